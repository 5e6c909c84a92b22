/**
 * The replicated command log's vocabulary: the {@link io.mvmci.command.Command commands} that change
 * the queue, the {@link io.mvmci.command.Result results} apply answers, and their binary envelope.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The envelope (magic, version, count, then type-length-payload per command) is documented on
 *       {@link io.mvmci.command.CommandCodec}. Type codes and rejection reasons are only ever appended;
 *       a released code keeps its layout forever. Golden-bytes tests pin today's bytes, so a change
 *       that would leave an existing log unreadable fails the build.</li>
 *   <li>A command carries everything apply needs that is not already in the replicated state: times,
 *       lease deadlines, worker ids, random jitter. Apply reads no clock and draws no random number.</li>
 *   <li>The codec is hand-written rather than generated (protobuf) or reflective (Jackson): the wire
 *       layout is the durable log format, so it is spelled out field by field where a reviewer sees
 *       it, and decoding is strict.</li>
 * </ul>
 */
package io.mvmci.command;
