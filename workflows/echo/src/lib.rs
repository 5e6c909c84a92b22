//! Outputs its input byte for byte: the smallest workflow that shows the Rust SDK, and a
//! fixture for tests of the host's input and output paths.

fn main() {
    mvmci::output(mvmci::input());
}

mvmci::workflow!(main);
