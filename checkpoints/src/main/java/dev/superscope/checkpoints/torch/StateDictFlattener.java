package dev.superscope.checkpoints.torch;

import dev.superscope.checkpoints.torch.PickleValues.TensorRef;
import dev.superscope.checkpoints.torch.PickleValues.Tuple;
import dev.superscope.plugins.BadInputException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Turns the unpickled top-level object into named tensors: nested dicts (and lists or tuples) join
 * their keys with '.', so {@code {'model_state_dict': {'test': t}}} yields {@code model_state_dict.test}.
 * Values that are not tensors (ints, strings, optimizer settings) are skipped. A tensor saved on its
 * own, not in a container, is named {@value #BARE_TENSOR_NAME}.
 *
 * <p>Each container is walked once however often the pickle refers to it, and every entry visited and
 * every character of every name built spends from the pickle's {@link PickleBudget}: a long key above
 * many entries would otherwise make names far larger than the pickle.
 */
final class StateDictFlattener {
    /** The name given to a tensor that is the whole pickle. */
    static final String BARE_TENSOR_NAME = "tensor";
    /** Deepest container nesting followed; real checkpoints nest a handful of levels. */
    static final int MAX_DEPTH = 64;

    private final Path file;
    private final PickleBudget budget;
    private final Map<String, TensorRef> out = new LinkedHashMap<>();
    // Pickles can make containers that contain themselves (via the memo); each is walked once.
    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());

    private StateDictFlattener(Path file, PickleBudget budget) {
        this.file = file;
        this.budget = budget;
    }

    /**
     * Every tensor reachable from {@code root}, by dotted name, in pickle order, spending from the budget
     * the pickle was read with.
     */
    static Map<String, TensorRef> flatten(Object root, Path file, PickleBudget budget) {
        StateDictFlattener f = new StateDictFlattener(file, budget);
        if (root instanceof TensorRef t) {
            f.out.put(BARE_TENSOR_NAME, t);
        } else {
            f.walk(root, "", 0);
        }
        return f.out;
    }

    private void walk(Object value, String prefix, int depth) {
        if (value instanceof TensorRef t) {
            if (out.putIfAbsent(prefix, t) != null) {
                throw new BadInputException(file, "two tensors are named " + Text.clean(prefix));
            }
            return;
        }
        boolean container = value instanceof Map || value instanceof List || value instanceof Tuple;
        if (!container || !visited.add(value)) {
            return;
        }
        if (depth >= MAX_DEPTH) {
            throw new BadInputException(file, "containers nested deeper than " + MAX_DEPTH + " levels at "
                    + Text.clean(prefix));
        }
        if (value instanceof Map<?, ?> map) {
            budget.spend(map.size(), "walking a dict");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = keyText(e.getKey());
                if (key != null && isWorthWalking(e.getValue())) {
                    walk(e.getValue(), join(prefix, key), depth + 1);
                }
            }
        } else {
            List<?> items = value instanceof Tuple t ? t.items() : (List<?>) value;
            budget.spend(items.size(), "walking a list");
            for (int i = 0; i < items.size(); i++) {
                if (isWorthWalking(items.get(i))) {
                    walk(items.get(i), join(prefix, Integer.toString(i)), depth + 1);
                }
            }
        }
    }

    /** Only tensors and containers can hold tensors; no name is built for anything else. */
    private static boolean isWorthWalking(Object value) {
        return value instanceof TensorRef || value instanceof Map || value instanceof List || value instanceof Tuple;
    }

    /** String and int keys name tensors; other keys (bool, float, None) hold no state-dict entries. */
    private static String keyText(Object key) {
        Object value = key instanceof PickleValues.Key k ? k.value() : key;
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Long || value instanceof BigInteger) {
            return value.toString();
        }
        return null;
    }

    private String join(String prefix, String key) {
        budget.spend(prefix.length() + 1 + key.length(), "building tensor names");
        return prefix.isEmpty() ? key : prefix + "." + key;
    }
}
