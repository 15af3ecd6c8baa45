/**
 * Small, dependency-free helpers for what every module does with files and text that came from
 * somewhere it does not control.
 *
 * <ul>
 *   <li>{@link dev.superscope.plugins.io.AtomicFiles}: the one way Superscope writes a file that others
 *       read (reports, cache files, refs, lock files): under a unique temporary name beside it, flushed,
 *       then renamed into place, so a reader sees the old content or the new content whole, and two
 *       writers of one file (threads or processes) never share a temporary file.</li>
 *   <li>{@link dev.superscope.plugins.io.TerminalText}: turns a string read from a file or a server
 *       (a tensor name, a config value, a model name) into one that is safe to print on a terminal: no
 *       control character, escape sequence or bidirectional override reaches it raw, and its length can
 *       be bounded.</li>
 *   <li>{@link dev.superscope.plugins.io.SmallFiles}: reads a file that should be small (a lock, a ref,
 *       a token, a models.csv) only when it is a regular file, and never more than a stated number of
 *       bytes, so a FIFO or a link to {@code /dev/zero} under a familiar name cannot hang or exhaust a
 *       run.</li>
 * </ul>
 *
 * All are pure static functions with no mutable state, usable from any module (this one depends on
 * nothing).
 */
package dev.superscope.plugins.io;
