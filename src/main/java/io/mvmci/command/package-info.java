/**
 * The replicated commands: for each one, in one file, its wire layout, how it applies to the queue
 * database, and what this node's parts hear once it has. Also the envelope that carries them in a
 * Raft log entry, the {@link io.mvmci.command.Result results} apply answers, and the
 * {@link io.mvmci.command.CommandProcessor} that applies an entry as one transaction.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The envelope (magic, version, count, then type-length-payload per command) is documented on
 *       {@link io.mvmci.command.CommandCodec}. Type codes ({@link io.mvmci.command.CommandType}),
 *       result codes and rejection reasons are only ever appended; a released code keeps its layout
 *       forever. Golden-bytes tests pin today's bytes, so a change that would leave an existing log
 *       unreadable fails the build.</li>
 *   <li>A command carries everything apply needs that is not already in the replicated state: times,
 *       lease deadlines, worker ids, random jitter. Apply reads no clock and draws no random number
 *       ({@code DeterminismTest}).</li>
 *   <li>Two error channels: a business refusal is a {@link io.mvmci.command.Result.Rejected}; a
 *       {@link java.sql.SQLException} (or a corrupt entry) stops the node.</li>
 *   <li>Every change of a job's status is one that the table in {@link io.mvmci.job.JobStatus}
 *       allows ({@code Tx.illegal}, or {@code Tx.statesThatCanBecome} in a statement over many rows);
 *       anything else is an {@code ILLEGAL_TRANSITION} rejection ({@code TransitionTableTest}).</li>
 *   <li>The codec is hand-written rather than generated (protobuf) or reflective (Jackson): the wire
 *       layout is the durable log format, so it is spelled out field by field where a reviewer sees
 *       it, and decoding is strict.</li>
 * </ul>
 *
 * <h2>How to add a command</h2>
 * <ol>
 *   <li>Write a record implementing {@link io.mvmci.command.Command}, in this package, in one file:
 *       its fields (every time, id or random value stamped by the proposer); {@code writeTo} and a
 *       static {@code read} (its wire layout); {@code apply(Tx)} (its SQL as constants, run through
 *       {@code tx.sql(...)}; refusals as results; status changes checked against the table);
 *       {@code announce(Result, Effects)} (what the node's parts react to: if no method of
 *       {@link io.mvmci.command.Effects} fits, add one there and forward it in
 *       {@code ApplyListeners.FanOut}, whose test checks every method is forwarded).</li>
 *   <li>Name it in {@code Command}'s {@code permits} and give it the next code in
 *       {@link io.mvmci.command.CommandType}, with its reader.</li>
 *   <li>Add a sample to {@code CommandTypeTest.SAMPLES} and its golden bytes to a codec test.</li>
 *   <li>If it needs a table or a column, append a migration ({@code db/migration/V<n>__*.sql}, listed
 *       in {@code store/Migrations}); if it needs a new kind of answer, append a record to
 *       {@link io.mvmci.command.Result} and give it the next result code and its layout in
 *       {@link io.mvmci.command.ResultWire}.</li>
 * </ol>
 * The compiler refuses a command without {@code type}, {@code writeTo}, {@code apply} or
 * {@code announce}; {@code CommandTypeTest} refuses one whose type has no sample, or whose reader is
 * not its own. Nothing outside this package changes, except the code that proposes the command.
 */
package io.mvmci.command;
