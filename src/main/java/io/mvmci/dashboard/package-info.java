/**
 * The web dashboard every node serves at {@code /}: a small single-page application kept as plain
 * files in the jar ({@code classpath:/dashboard/}: no build step, no CDN, nothing fetched from
 * elsewhere), which reads the same JSON APIs and SSE streams as any client; and its login, a session
 * cookie when {@code [api] token} is set (see {@link io.mvmci.ops.security.Sessions}).
 */
package io.mvmci.dashboard;
