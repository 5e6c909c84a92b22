/**
 * Node configuration: one immutable, typed tree ({@link io.mvmci.config.NodeConfig} and its
 * section records), loaded and validated by {@link io.mvmci.config.ConfigLoader} before Spring
 * starts. A leaf package: no Spring, no Raft, no HTTP.
 *
 * <h2>How a configuration is made</h2>
 * <ol>
 *   <li>Three layers per section, highest first: environment variables ({@code Environment}:
 *       {@code MVMCI_<SECTION>__<KEY>}, the aliases of its one table, {@code <NAME>_FILE}), the
 *       TOML file ({@code --config} or {@code MVMCI_CONFIG}), the built-in defaults.
 *   <li>Jackson binds each section's values into its record ({@code Binding}): unknown keys and
 *       values of the wrong type are refused, the strings with a shape (members, backup keys,
 *       secrets, paths) are parsed by deserializers ({@code ConfigValues}).
 *   <li>The binder checks each integer against its {@code @Range}; the record checks the rules
 *       between its keys ({@code checked}); the loader checks the rules across sections.
 * </ol>
 * The section record is the only list of its keys: the binder, the environment rule, the error
 * messages and the reference ({@code config/README.md}, kept in step by a test) all read it.
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
 *   <li>Unknown sections and keys, in the file or in the environment's naming rule, are errors
 *       that name the key (typos fail loudly, with a suggestion).
 *   <li>Errors are {@link io.mvmci.config.InvalidConfigException}: {@code invalid configuration
 *       (<source>): <field> = <value>[ (from <VARIABLE>)]: <reason>}; the reason says what the
 *       field takes or which other field (and value) it disagrees with.
 *   <li>Two environment variables that set the same thing must agree; otherwise an error names
 *       both and their values.
 *   <li>Secrets ({@link io.mvmci.config.Secret}) never appear in messages or {@code toString()}.
 *   <li>The reference is {@code config/README.md}.
 * </ul>
 */
package io.mvmci.config;
