package dev.superscope.checkpoints.torch;

import dev.superscope.checkpoints.torch.PickleValues.Bytes;
import dev.superscope.checkpoints.torch.PickleValues.Device;
import dev.superscope.checkpoints.torch.PickleValues.StorageRef;
import dev.superscope.checkpoints.torch.PickleValues.TensorRef;
import dev.superscope.checkpoints.torch.PickleValues.Tuple;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A symbolic unpickler for the {@code data.pkl} of a {@code torch.save} archive. It interprets the
 * opcodes torch.save writes (protocol 2, plus the protocol 3-5 forms of the same operations) over plain
 * Java values and refuses everything else: any other opcode, any global outside {@link TorchGlobal},
 * any call of something that is data. Nothing is instantiated by reflection and nothing is executed.
 *
 * <p>Hostile pickles are bounded: every length is checked against the bytes that remain, the memo, the
 * stack, the mark stack and the number of values created all have caps, and every opcode and every
 * element copied spends from a {@link PickleBudget} proportional to the pickle's size, so a pickle of a
 * few bytes cannot make it allocate gigabytes or run for long. Dict keys are restricted to the scalars a
 * state dict uses (str and int, and bool, float and None), held as {@link PickleValues.Key}s: a key is
 * never walked, and no set of colliding keys can make a dict slow.
 */
final class RestrictedUnpickler {

    /** Most memo entries a pickle may define; a big state dict uses tens of thousands. */
    static final int MAX_MEMO = 1 << 20;
    /** Deepest value stack allowed (pickle batches SETITEMS/APPENDS by 1000, so real stacks stay small). */
    static final int MAX_STACK = 1 << 20;
    /** Most open MARKs at once (one per nesting level of a container being built). */
    static final int MAX_MARKS = 1 << 12;
    /** Most values one pickle may create, which bounds the heap it can claim. */
    static final int MAX_VALUES = 1 << 22;
    /** Longest GLOBAL line (module or name). */
    static final int MAX_LINE = 1024;
    /** Most dimensions a tensor may have. */
    static final int MAX_RANK = 64;

    private final byte[] data;
    private final Path file;
    private final String entry;
    private final PickleBudget budget;
    private int pos;
    private int opcodeStart;
    private int created;

    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    private RestrictedUnpickler(byte[] data, Path file, String entry, PickleBudget budget) {
        this.data = data;
        this.file = file;
        this.entry = entry;
        this.budget = budget;
    }

    /**
     * Interprets {@code data} and returns the top-level value.
     *
     * @param file  the checkpoint, for messages
     * @param entry the zip entry the bytes came from, for messages
     * @throws BadInputException on a malformed pickle or any construct outside the state-dict subset
     */
    static Object unpickle(byte[] data, Path file, String entry) {
        return unpickle(data, file, entry, PickleBudget.forPickle(file, data.length));
    }

    /**
     * As {@link #unpickle(byte[], Path, String)}, spending from {@code budget}, which whoever walks the
     * result (the {@link StateDictFlattener}) goes on spending from.
     */
    static Object unpickle(byte[] data, Path file, String entry, PickleBudget budget) {
        return new RestrictedUnpickler(data, file, entry, budget).run();
    }

    private Object run() {
        while (true) {
            if (pos >= data.length) {
                throw fail("pickle ends without STOP");
            }
            opcodeStart = pos;
            int op = data[pos++] & 0xFF;
            budget.spend(1, "opcodes");
            switch (op) {
                case 0x80 -> { // PROTO
                    int version = u1();
                    if (version < 2 || version > 5) {
                        throw fail("pickle protocol " + version + " is not one torch.save writes (2 to 5)");
                    }
                }
                case 0x95 -> { // FRAME: a length prefix for buffering; the bytes that follow are ordinary opcodes
                    long length = u8();
                    if (length < 0 || length > data.length - pos) {
                        throw fail("FRAME of " + Long.toUnsignedString(length) + " bytes runs past the end");
                    }
                }
                case '(' -> mark();
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> dict = new LinkedHashMap<>();
                    putPairs(dict, items);
                    push(dict);
                }
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(Tuple.of(pop()));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(Tuple.of(a, b));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(Tuple.of(a, b, c));
                }
                case 'q' -> memoPut(u1());
                case 'r' -> memoPut(u4());
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> memoGet(u1());
                case 'j' -> memoGet(u4());
                case 'J' -> push((long) s4());
                case 'K' -> push((long) u1());
                case 'M' -> push((long) u2());
                case 0x8a -> push(long1());
                case 'G' -> push(Double.longBitsToDouble(ByteBuffer.wrap(take(8)).getLong()));
                case 'X' -> push(utf8(take(length(u4()))));
                case 0x8c -> push(utf8(take(u1())));
                case 0x8d -> push(utf8(take(length(u8()))));
                case 'U' -> push(new String(take(u1()), StandardCharsets.ISO_8859_1));
                case 'T' -> push(new String(take(length(s4())), StandardCharsets.ISO_8859_1));
                case 'B' -> push(new Bytes(take(length(u4()))));
                case 'C' -> push(new Bytes(take(u1())));
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(null);
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    dictOnTop("SETITEM").put(key(key), value);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    putPairs(dictOnTop("SETITEMS"), items);
                }
                case 'a' -> {
                    Object value = pop();
                    listOnTop("APPEND").add(value);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    listOnTop("APPENDS").addAll(items);
                }
                case 'c' -> {
                    String module = line();
                    String name = line();
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings, not " + PickleValues.describe(module) + " and "
                                + PickleValues.describe(name));
                    }
                    push(global(m, n));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args), allowed for OrderedDict only
                    Object args = pop();
                    Object cls = pop();
                    if (!(cls instanceof TorchGlobal g) || g.kind() != TorchGlobal.Kind.ORDERED_DICT
                            || !(args instanceof Tuple)) {
                        throw fail("refused NEWOBJ of " + PickleValues.describe(cls)
                                + " (only collections.OrderedDict may be created)");
                    }
                    push(new LinkedHashMap<>());
                }
                case 'b' -> build();
                case 'Q' -> push(persistentLoad(pop()));
                case '.' -> {
                    if (markCount > 0) {
                        throw fail("STOP with " + markCount + " unclosed MARK");
                    }
                    return pop();
                }
                default -> throw fail("refused pickle opcode " + PickleOpcodes.describe(op)
                        + " (only the opcodes torch.save writes are allowed)");
            }
        }
    }

    // ---- globals and calls -------------------------------------------------------------------------

    private TorchGlobal global(String module, String name) {
        TorchGlobal g = TorchGlobal.resolve(module, name);
        if (g == null) {
            throw fail("refused pickle global " + Text.clean(module + "." + name)
                    + " (only state-dict globals are allowed)");
        }
        return g;
    }

    private Object reduce(Object callable, Object argsValue) {
        if (!(callable instanceof TorchGlobal g)) {
            throw fail("refused REDUCE on a " + PickleValues.describe(callable) + " (only state-dict globals can be called)");
        }
        if (!(argsValue instanceof Tuple args)) {
            throw fail("REDUCE of " + g + " needs an argument tuple, not " + PickleValues.describe(argsValue));
        }
        return switch (g.kind()) {
            case ORDERED_DICT -> orderedDict(args);
            case REBUILD_TENSOR -> rebuildTensor(g, args, false);
            case REBUILD_TENSOR_V3 -> rebuildTensor(g, args, true);
            case REBUILD_PARAMETER -> {
                if (args.size() < 3 || args.size() > 4 || !(args.get(0) instanceof TensorRef t)) {
                    throw fail(g + " needs (tensor, requires_grad, hooks[, state]), got " + describeArgs(args));
                }
                yield t;
            }
            case SIZE -> {
                if (args.size() != 1 || !(args.get(0) instanceof Tuple dims)) {
                    throw fail("torch.Size needs one tuple, got " + describeArgs(args));
                }
                yield dims;
            }
            case DEVICE -> {
                if (args.size() < 1 || args.size() > 2 || !(args.get(0) instanceof String type)
                        || (args.size() == 2 && !(args.get(1) instanceof Long))) {
                    throw fail("torch.device needs (type[, index]), got " + describeArgs(args));
                }
                yield new Device(type, args.size() == 2 ? (Long) args.get(1) : null);
            }
            case STORAGE_TYPE, UNTYPED_STORAGE, DTYPE -> throw fail("refused call of " + g
                    + " (allowed only as data)");
        };
    }

    private Map<Object, Object> orderedDict(Tuple args) {
        Map<Object, Object> dict = new LinkedHashMap<>();
        if (args.size() == 0) {
            return dict;
        }
        if (args.size() == 1 && args.get(0) instanceof Map<?, ?> source) {
            // One memo entry can be copied over and over: each copy is paid for.
            budget.spend(source.size(), "copying a dict into an OrderedDict");
            for (Map.Entry<?, ?> e : source.entrySet()) {
                dict.put(e.getKey(), e.getValue());
            }
            return dict;
        }
        if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
            budget.spend(pairs.size(), "copying pairs into an OrderedDict");
            for (Object pair : pairs) {
                if (!(pair instanceof Tuple t) || t.size() != 2) {
                    throw fail("collections.OrderedDict needs (key, value) pairs, got a " + PickleValues.describe(pair));
                }
                dict.put(key(t.get(0)), t.get(1));
            }
            return dict;
        }
        throw fail("collections.OrderedDict needs no argument or one dict or list, got " + describeArgs(args));
    }

    private TensorRef rebuildTensor(TorchGlobal g, Tuple args, boolean v3) {
        int min = v3 ? 7 : 4;
        int max = v3 ? 8 : 7;
        if (args.size() < min || args.size() > max) {
            throw fail(g + " takes " + min + " to " + max + " arguments, got " + args.size());
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw fail(g + " needs a storage as first argument, got " + PickleValues.describe(args.get(0)));
        }
        long offset = nonNegative(args.get(1), g + " storage offset");
        long[] shape = dims(args.get(2), g + " size");
        long[] stride = dims(args.get(3), g + " stride");
        if (shape.length != stride.length) {
            throw fail(g + " has " + shape.length + " sizes but " + stride.length + " strides");
        }
        DType dtype = storage.dtype();
        if (v3) {
            if (!(args.get(6) instanceof TorchGlobal d) || d.kind() != TorchGlobal.Kind.DTYPE) {
                throw fail(g + " needs a torch dtype as 7th argument, got " + PickleValues.describe(args.get(6)));
            }
            dtype = d.dtype();
        }
        return new TensorRef(storage, dtype, offset, shape, stride);
    }

    private long[] dims(Object value, String what) {
        List<?> items;
        if (value instanceof Tuple t) {
            items = t.items();
        } else if (value instanceof List<?> l) {
            items = l;
        } else {
            throw fail(what + " must be a tuple of ints, not " + PickleValues.describe(value));
        }
        if (items.size() > MAX_RANK) {
            throw fail(what + " has " + items.size() + " dimensions (at most " + MAX_RANK + ")");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(items.get(i), what);
        }
        return out;
    }

    private long nonNegative(Object value, String what) {
        if (!(value instanceof Long l) || l < 0) {
            String actual = value instanceof Long ? value.toString()
                    : value instanceof BigInteger ? "an int beyond 64 bits" : PickleValues.describe(value);
            throw fail(what + " must be a non-negative int, not " + actual);
        }
        return l;
    }

    /** torch's persistent_load: {@code ('storage', storage_type, key, location, numel)}. */
    private StorageRef persistentLoad(Object pid) {
        if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw fail("unsupported persistent id (" + PickleValues.describe(pid)
                    + "); torch.save writes ('storage', type, key, location, numel)");
        }
        // A storage class names its dtype; so, leniently, does a bare dtype object.
        if (!(t.get(1) instanceof TorchGlobal type) || type.dtype() == null) {
            throw fail("persistent id names no storage type: " + PickleValues.describe(t.get(1)));
        }
        if (!(t.get(2) instanceof String key) || key.isEmpty()) {
            throw fail("persistent id needs a storage key string, not " + PickleValues.describe(t.get(2)));
        }
        if (!(t.get(3) instanceof String location)) {
            throw fail("persistent id needs a location string, not " + PickleValues.describe(t.get(3)));
        }
        long numel = nonNegative(t.get(4), "storage numel");
        if (storages.size() >= MAX_MEMO && !storages.containsKey(key)) {
            throw fail("more than " + MAX_MEMO + " storages");
        }
        // Like torch, the first record of a key wins: later ones view the same bytes.
        return storages.computeIfAbsent(key, k -> new StorageRef(k, type.dtype(), location, numel));
    }

    private void build() {
        Object state = pop();
        Object target = peek("BUILD");
        // An OrderedDict's state is its attribute dict (torch's _metadata); a parameter's is its
        // attributes. Neither holds tensors a state dict is read for, so the state is dropped.
        if (!(target instanceof Map) && !(target instanceof TensorRef)) {
            throw fail("refused BUILD on a " + PickleValues.describe(target) + " (only dicts and tensors)");
        }
        if (state != null && !(state instanceof Map) && !(state instanceof Tuple)) {
            throw fail("BUILD state must be a dict or tuple, not " + PickleValues.describe(state));
        }
    }

    private static String describeArgs(Tuple args) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < args.size() && i < 8; i++) {
            s.append(i == 0 ? "" : ", ").append(PickleValues.describe(args.get(i)));
        }
        return s.append(args.size() > 8 ? ", ...)" : ")").toString();
    }

    // ---- containers ----------------------------------------------------------------------------------

    private void putPairs(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw fail("odd number of items (" + items.size() + ") for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(key(items.get(i)), items.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnTop(String op) {
        Object top = peek(op);
        if (!(top instanceof Map)) {
            throw fail(op + " on a " + PickleValues.describe(top) + ", not a dict");
        }
        return (Map<Object, Object>) top;
    }

    @SuppressWarnings("unchecked")
    private List<Object> listOnTop(String op) {
        Object top = peek(op);
        if (!(top instanceof ArrayList)) {
            throw fail(op + " on a " + PickleValues.describe(top) + ", not a list");
        }
        return (List<Object>) top;
    }

    /**
     * {@code value} as a dict key. A state dict's keys are strings (and ints, in optimizer state); a
     * tuple, bytes or object key never names a tensor, and walking or hashing one a pickle built from
     * shared parts costs exponential time, so any key that is not a scalar is refused.
     */
    private PickleValues.Key key(Object value) {
        if (PickleValues.Key.allowed(value)) {
            return new PickleValues.Key(value);
        }
        throw fail("dict key is a " + PickleValues.describe(value) + "; a state dict's keys are strings or ints");
    }

    // ---- stack, marks, memo --------------------------------------------------------------------------

    private void push(Object value) {
        if (stack.size() >= MAX_STACK) {
            throw fail("pickle stack deeper than " + MAX_STACK);
        }
        if (++created > MAX_VALUES) {
            throw fail("pickle creates more than " + MAX_VALUES + " values");
        }
        stack.add(value);
    }

    private Object pop() {
        int floor = markCount == 0 ? 0 : marks[markCount - 1];
        if (stack.size() <= floor) {
            throw fail(stack.isEmpty() ? "pickle stack underflow" : "pickle pops across a MARK");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek(String op) {
        int floor = markCount == 0 ? 0 : marks[markCount - 1];
        if (stack.size() <= floor) {
            throw fail(op + " with nothing to act on");
        }
        return stack.get(stack.size() - 1);
    }

    private void mark() {
        if (markCount >= MAX_MARKS) {
            throw fail("more than " + MAX_MARKS + " nested MARKs");
        }
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = stack.size();
    }

    private List<Object> popMark() {
        if (markCount == 0) {
            throw fail("no MARK to pop to");
        }
        int from = marks[--markCount];
        budget.spend(stack.size() - from, "collecting items since a MARK");
        List<Object> tail = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private void memoPut(long index) {
        Object top = peek("memo put");
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw fail("more than " + MAX_MEMO + " memo entries");
        }
        memo.put(index, top);
    }

    private void memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw fail("memo entry " + index + " is read before it is written");
        }
        push(memo.get(index));
    }

    // ---- reading bytes -------------------------------------------------------------------------------

    private byte[] take(int n) {
        if (n > data.length - pos) {
            throw fail("truncated pickle: " + PickleOpcodes.describe(data[opcodeStart]) + " needs " + n
                    + " bytes, " + (data.length - pos) + " remain");
        }
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    /** A declared length, checked against what remains so no allocation exceeds the pickle itself. */
    private int length(long declared) {
        if (declared < 0 || declared > data.length - pos) {
            throw fail("truncated pickle: " + PickleOpcodes.describe(data[opcodeStart]) + " declares "
                    + Long.toUnsignedString(declared) + " bytes, " + (data.length - pos) + " remain");
        }
        return (int) declared;
    }

    private int u1() {
        return take(1)[0] & 0xFF;
    }

    private int u2() {
        byte[] b = take(2);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    }

    private int s4() {
        byte[] b = take(4);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | b[3] << 24;
    }

    private long u4() {
        return s4() & 0xFFFFFFFFL;
    }

    /** An 8-byte little-endian length; negative when it exceeds a signed long (rejected by callers). */
    private long u8() {
        byte[] b = take(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }

    /** LONG1: a little-endian two's-complement integer of up to 255 bytes. */
    private Object long1() {
        byte[] le = take(u1());
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger value = new BigInteger(be);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private String line() {
        int end = pos;
        while (end < data.length && data[end] != '\n') {
            if (end - pos >= MAX_LINE) {
                throw fail("GLOBAL line longer than " + MAX_LINE + " bytes");
            }
            end++;
        }
        if (end >= data.length) {
            throw fail("truncated pickle: GLOBAL line has no end");
        }
        String s = utf8(Arrays.copyOfRange(data, pos, end));
        pos = end + 1;
        return s;
    }

    private String utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not valid UTF-8");
        }
    }

    private BadInputException fail(String reason) {
        return new BadInputException(file, reason + " at byte " + opcodeStart + " of " + Text.clean(entry));
    }
}
