//! Artifacts: host ABI version 4 (workflows/README.md, "Artifacts (ABI v4)"). Needs the SDK's
//! `abi-v4` feature, whose `workflow!` exports `mvmci_abi_v4`.
//!
//! An artifact is written in chunks (only the chunk is in the run's memory) and stored by
//! [`Artifact::close`], the one step of the run's history: it returns once a majority of the cluster
//! holds the bytes, and a replayed run gets the recorded answer without storing anything again.

use crate::{sys, take_all, Error, Result};

/// An artifact being written.
pub struct Artifact {
    handle: i32,
    name: String,
}

impl Artifact {
    /// Starts artifact `name` (1-255 characters, no '/', '\\' or control characters, not . or ..).
    pub fn open(name: &str) -> Result<Artifact> {
        let h = unsafe { sys::artifact_open(name.as_ptr(), name.len() as i32) };
        match h {
            h if h >= 0 => Ok(Artifact { handle: h, name: name.to_string() }),
            -2 => Err(Error::msg("too many artifacts open (16)")),
            _ => Err(Error::msg(format!("invalid artifact name: {}", name))),
        }
    }

    /// Appends bytes; an error if the artifact would pass the cluster's `max_artifact_bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match unsafe { sys::artifact_write(self.handle, bytes.as_ptr(), bytes.len() as i32) } {
            0 => Ok(()),
            -2 => Err(Error::msg(format!("artifact {} is larger than max_artifact_bytes", self.name))),
            _ => Err(Error::msg(format!("artifact {} is not open", self.name))),
        }
    }

    /// Stores the artifact: once a majority of the cluster holds it, its JSON
    /// (`{"job_id", "name", "size", "sha256", "holders"}`); or why it was refused.
    pub fn close(self) -> Result<serde_json::Value> {
        let code = unsafe { sys::artifact_close(self.handle) };
        let answer = take_all();
        match code {
            0 => serde_json::from_slice(&answer).map_err(|e| Error::msg(format!("artifact answer: {}", e))),
            1 => Err(Error::msg(String::from_utf8_lossy(&answer).into_owned())),
            _ => Err(Error::msg(format!("artifact {} is not open", self.name))),
        }
    }
}

/// Stores `bytes` as artifact `name` in one go.
pub fn store_artifact(name: &str, bytes: &[u8]) -> Result<serde_json::Value> {
    let mut a = Artifact::open(name)?;
    a.write(bytes)?;
    a.close()
}
