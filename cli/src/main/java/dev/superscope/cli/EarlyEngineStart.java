package dev.superscope.cli;

import dev.superscope.analyzers.engine.TorchEngine;

import java.util.Arrays;
import java.util.Set;

/**
 * Starts loading the compute engine as the process starts, before the command line is parsed, when the
 * command will compute with it. Loading PyTorch takes over half a second and is the longest step before
 * the first GEMM, so it should run beside argument parsing, plugin discovery and opening the checkpoint,
 * not after them. The decision is a guess from the raw arguments; a wrong guess costs time, never a
 * result, since the analyzers start the engine themselves when it is not running.
 */
final class EarlyEngineStart {
    private static final Set<String> COMMANDS = Set.of("analyze", "run", "demo");
    private static final Set<String> ENGINE_FREE = Set.of("norms");

    private EarlyEngineStart() {
    }

    /** Starts the engine in the background for {@code analyze}, {@code run} and {@code demo}, unless only norms are asked for. */
    static void startIfNeeded(String[] args) {
        if (willCompute(args)) {
            TorchEngine.startInBackground();
        }
    }

    static boolean willCompute(String[] args) {
        String command = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("--version") || arg.equals("-V")) {
                return false;
            }
            if (arg.equals("--plugin-path")) {
                i++;
            } else if (command == null && !arg.startsWith("-")) {
                command = arg;
            } else if (arg.equals("--analyzers") && i + 1 < args.length) {
                if (engineFree(args[++i])) {
                    return false;
                }
            } else if (arg.startsWith("--analyzers=") && engineFree(arg.substring("--analyzers=".length()))) {
                return false;
            }
        }
        return command != null && COMMANDS.contains(command);
    }

    private static boolean engineFree(String names) {
        return Arrays.stream(names.split(",")).map(String::strip).allMatch(ENGINE_FREE::contains);
    }
}
