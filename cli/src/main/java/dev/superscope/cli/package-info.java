/**
 * The {@code superscope} command: parses the command line (picocli), wires checkpoint loading,
 * analyzers and the report stage together, and maps every error to the exit-code contract
 * (0 success, 2 usage, 3 bad input, 4 network, 1 anything else) with a one-line message.
 */
package dev.superscope.cli;
