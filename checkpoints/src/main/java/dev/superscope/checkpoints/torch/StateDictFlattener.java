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
 */
final class StateDictFlattener {
    /** The name given to a tensor that is the whole pickle. */
    static final String BARE_TENSOR_NAME = "tensor";
    /** Deepest container nesting followed; real checkpoints nest a handful of levels. */
    static final int MAX_DEPTH = 64;

    private final Path file;
    private final Map<String, TensorRef> out = new LinkedHashMap<>();
    // Pickles can make containers that contain themselves (via the memo); each is walked once.
    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());

    private StateDictFlattener(Path file) {
        this.file = file;
    }

    /** Every tensor reachable from {@code root}, by dotted name, in pickle order. */
    static Map<String, TensorRef> flatten(Object root, Path file) {
        StateDictFlattener f = new StateDictFlattener(file);
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
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = keyText(e.getKey());
                if (key != null) {
                    walk(e.getValue(), join(prefix, key), depth + 1);
                }
            }
        } else {
            List<?> items = value instanceof Tuple t ? t.items() : (List<?>) value;
            for (int i = 0; i < items.size(); i++) {
                walk(items.get(i), join(prefix, Integer.toString(i)), depth + 1);
            }
        }
    }

    /** String and int keys name tensors; other keys (tuples, None) hold no state-dict entries. */
    private static String keyText(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Long || key instanceof BigInteger) {
            return key.toString();
        }
        return null;
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }
}
