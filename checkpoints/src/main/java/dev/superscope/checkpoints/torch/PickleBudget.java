package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.BadInputException;
import java.nio.file.Path;

/**
 * The work one {@code data.pkl} may cause, in proportion to its size: a few steps per byte, plus a
 * fixed allowance. Unpickling and flattening the result spend from one budget, one unit per opcode and
 * per element copied, visited or named; a pickle that asks for more is refused.
 *
 * <p>Counting opcodes alone is not enough: the memo lets a few bytes refer to the same container many
 * times, so a pickle can describe structure far larger than itself (a tuple built from three copies of
 * the previous one, thirty times over, is 3^30 nodes in 300 bytes). Every pass over a value is charged
 * here, so whatever a pickle makes the reader do stays proportional to the bytes it holds, and a pickle
 * of a few bytes cannot run for long.
 */
final class PickleBudget {
    /** Steps allowed per byte of pickle; a real state dict needs one or two. */
    static final long STEPS_PER_BYTE = 4;
    /** Steps every pickle may take whatever its size. */
    static final long BASE_STEPS = 1 << 20;

    private final Path file;
    private final long limit;
    private final int pickleBytes;
    private long spent;

    private PickleBudget(Path file, int pickleBytes, long limit) {
        this.file = file;
        this.pickleBytes = pickleBytes;
        this.limit = limit;
    }

    /** The budget of a pickle of {@code pickleBytes} bytes read from {@code file}. */
    static PickleBudget forPickle(Path file, int pickleBytes) {
        return new PickleBudget(file, pickleBytes, BASE_STEPS + STEPS_PER_BYTE * pickleBytes);
    }

    /**
     * Spends {@code steps}.
     *
     * @param doing what the steps are for, named in the refusal
     * @throws BadInputException when the budget is exhausted
     */
    void spend(long steps, String doing) {
        spent += steps;
        if (spent > limit || steps < 0) {
            throw new BadInputException(file, "the pickle's " + pickleBytes + " bytes ask for more than " + limit
                    + " steps of work (" + doing + "); a state dict needs a few per byte, so it is refused"
                    + " (shared structure multiplied through the memo?)");
        }
    }
}
