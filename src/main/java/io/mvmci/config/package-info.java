/**
 * Node configuration: one immutable, typed tree ({@link io.mvmci.config.NodeConfig} and its
 * section records), loaded and validated by {@link io.mvmci.config.ConfigLoader} before Spring
 * starts. A leaf package: no Spring, no Raft, no HTTP.
 *
 * <h2>Why not {@code @ConfigurationProperties}</h2>
 * The file is TOML in the original's shape ({@code [node]}, alias {@code [hiqlite]}; members as
 * {@code "id raft_addr http_addr"} strings), which Spring's property binding does not read; and
 * it must be validated, with messages that name both fields of a cross-field rule and never a
 * secret, before anything binds a port or opens the data directory. A bad file stops the node
 * with one line, not with a Spring context failure. The main class loads a {@code NodeConfig}
 * and hands the instance to Spring as a bean.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A loaded {@code NodeConfig} satisfies every invariant written on the section records.
 *   <li>Unknown sections and keys are errors (typos fail loudly, with a suggestion).
 *   <li>Errors are {@link io.mvmci.config.InvalidConfigException}: {@code invalid configuration
 *       (<source>): <field> = <value>: <reason>}.
 *   <li>Secrets ({@link io.mvmci.config.Secret}) never appear in messages or {@code toString()}.
 *   <li>Precedence: {@code --config} over {@code MVMCI_CONFIG}; environment overrides over the
 *       file; the file over defaults. The reference is {@code config/README.md}.
 * </ul>
 */
package io.mvmci.config;
