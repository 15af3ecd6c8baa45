package dev.superscope.checkpoints.torch;

import static dev.superscope.checkpoints.torch.TorchArchiveBuilder.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.torch.PickleValues.TensorRef;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles of a few bytes that describe huge structure through the memo: each is refused (or, where the
 * structure is legal, read) in time and memory proportional to its bytes. The limits are generous; what
 * is checked is that nothing hangs or exhausts the heap, whatever the shape.
 */
class PickleBudgetTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    /** Unpickles and flattens as {@link TorchZipIndex} does, with one budget for both. */
    private Map<String, TensorRef> read(byte[] pickle) {
        PickleBudget budget = PickleBudget.forPickle(tmp, pickle.length);
        Object root = RestrictedUnpickler.unpickle(pickle, tmp, "a/data.pkl", budget);
        return StateDictFlattener.flatten(root, tmp, budget);
    }

    private String refused(byte[] pickle) {
        BadInputException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(BadInputException.class,
                () -> read(pickle)));
        assertTrue(e.getMessage().startsWith(tmp + ": ") && !e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    /** The pickle of issue #14: a dict key that is a tuple DAG of 3^30 nodes in a few hundred bytes. */
    @Test
    void aTupleDagAsDictKeyIsRefusedAtOnce() {
        byte[] pickle = HostilePickles.tupleDagKey(30);
        assertTrue(pickle.length < 400, pickle.length + " bytes");
        assertTrue(refused(pickle).contains("dict key is a tuple"));
        // The same inside a torch.save archive, as inspect and analyze meet it.
        Path file = new TorchArchiveBuilder("archive").pickle(pickle).write(tmp.resolve("dag.bin"));
        BadInputException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(BadInputException.class,
                () -> TorchZipStore.open(file).close()));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("dict key is a tuple"),
                e.getMessage());
    }

    /** The same DAG among the values is legal: each container is walked once, and its one tensor found. */
    @Test
    void aContainerDagAmongTheValuesIsWalkedOncePerContainer() {
        byte[] pickle = HostilePickles.containerDagValue(30);
        Map<String, TensorRef> tensors = assertTimeoutPreemptively(LIMIT, () -> read(pickle));
        assertEquals(1, tensors.size(), tensors.keySet().toString());
        Path file = new TorchArchiveBuilder("archive").pickle(pickle).storage("0", f32(1, 2, 3, 4))
                .write(tmp.resolve("dag-values.bin"));
        try (TensorStore store = assertTimeoutPreemptively(LIMIT, () -> TorchZipStore.open(file))) {
            assertEquals(1, store.tensors().size());
            TensorInfo t = store.tensors().get(0);
            assertEquals(2, t.rank());
        }
    }

    /** One memoised dict copied into an OrderedDict over and over: each copy is paid for. */
    @Test
    void copyingOneDictManyTimesRunsOutOfBudget() {
        byte[] pickle = HostilePickles.repeatedDictCopies(50_000, 100_000);
        assertTrue(refused(pickle).contains("steps of work"));
    }

    /** A long key above many entries would make names far larger than the pickle. */
    @Test
    void aLongKeyAboveManyEntriesRunsOutOfBudget() {
        byte[] pickle = HostilePickles.longKeyOverManyEntries(256 * 1024, 40_000);
        assertTrue(refused(pickle).contains("steps of work"));
    }

    /** Strings and ints that share one hash code: the dict stays fast (and holds all of them). */
    @Test
    void keysThatCollideDoNotMakeADictSlow() {
        byte[] pickle = HostilePickles.collidingKeys(16);
        Object root = assertTimeoutPreemptively(LIMIT, () -> RestrictedUnpickler.unpickle(pickle, tmp, "a/data.pkl"));
        assertEquals(2 << 16, ((Map<?, ?>) root).size());
    }

    /** Keys that no state dict has are refused by kind, whatever their shape. */
    @Test
    void onlyScalarKeysAreAccepted() {
        assertTrue(refused(new PickleBuilder().proto(2).emptyDict().integer(1).tuple(1).none().setitem().stop()
                .bytes()).contains("dict key is a tuple of 1"));
        assertTrue(refused(new PickleBuilder().proto(2).emptyDict().op('C').op(1).op('x').none().setitem().stop()
                .bytes()).contains("dict key is a bytes"));
        Map<String, TensorRef> none = read(new PickleBuilder().proto(2).emptyDict().mark().unicode("a").none()
                .integer(7).none().bool(true).none().none().none().setitems().stop().bytes());
        assertTrue(none.isEmpty());
    }
}
