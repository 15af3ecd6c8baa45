package dev.superscope.checkpoints.torch;

/**
 * Small pickles that describe far more structure than they hold, each a state dict the restricted
 * unpickler must refuse (or read) in time proportional to its bytes. Shared by the budget tests and, as
 * seeds, by the fuzz tests.
 */
final class HostilePickles {
    private HostilePickles() {
    }

    /**
     * {@code {T(levels): None}} where T(0) = (0,) and T(k+1) = (T(k), T(k), T(k)), each level built from
     * the memo: 3^levels nodes in about nine bytes a level.
     */
    static byte[] tupleDagKey(int levels) {
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().integer(0).tuple(1).put();
        for (int k = 0; k < levels; k++) {
            // T(k) is on the stack: two more copies from the memo, and TUPLE3 takes all three.
            int previous = p.lastMemo();
            p.get(previous).get(previous).tuple(3).put();
        }
        return p.none().setitem().stop().bytes();
    }

    /**
     * {@code {"w": T(levels)}} where T(0) = [tensor] and T(k+1) = (T(k), T(k), T(k)): the same shape among
     * the values, where it is legal, and must be walked once per container, not once per path.
     */
    static byte[] containerDagValue(int levels) {
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().unicode("w").emptyList()
                .tensor("FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1}).append().put();
        for (int k = 0; k < levels; k++) {
            int previous = p.lastMemo();
            p.get(previous).get(previous).tuple(3).put();
        }
        return p.setitem().stop().bytes();
    }

    /**
     * One dict of {@code entries} int keys, then {@code copies} OrderedDicts made from it through the
     * memo: {@code entries * copies} elements copied for a few bytes per copy.
     */
    static byte[] repeatedDictCopies(int entries, int copies) {
        PickleBuilder p = new PickleBuilder().proto(2).emptyList().global("collections", "OrderedDict").putLong(0)
                .append();
        p.emptyDict().mark();
        for (int i = 0; i < entries; i++) {
            p.integer(i).none();
        }
        p.setitems().putLong(1).append();
        for (int i = 0; i < copies; i++) {
            p.getLong(0).getLong(1).tuple(1).reduce().append();
        }
        return p.stop().bytes();
    }

    /**
     * {@code {key: {"0": t, "1": t, ...}}} with a {@code keyChars}-long key above {@code entries} entries
     * that all hold one memoised tensor: every name starts with the long key.
     */
    static byte[] longKeyOverManyEntries(int keyChars, int entries) {
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().unicode("k".repeat(keyChars)).emptyDict();
        p.unicode("t").tensor("FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1}).putLong(0).setitem();
        for (int i = 0; i < entries; i++) {
            p.mark().unicode(Integer.toString(i)).getLong(0).setitems();
        }
        return p.setitem().stop().bytes();
    }

    /**
     * {@code {k: None}} for {@code perKind} strings and as many ints that all have one Java hash code
     * (strings of "Aa"/"BB" blocks; longs whose halves XOR to it): a hash map holding keys of two classes
     * that collide degrades to a linear search per insertion.
     */
    static byte[] collidingKeys(int blocks) {
        int perKind = 1 << blocks;
        String first = "Aa".repeat(blocks);
        int hash = first.hashCode();
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict();
        for (int i = 0; i < perKind; i++) {
            StringBuilder s = new StringBuilder();
            for (int b = 0; b < blocks; b++) {
                s.append((i >> b & 1) == 0 ? "Aa" : "BB");
            }
            p.mark().unicode(s.toString()).none();
            long high = i + 1;
            p.long8(high << 32 | ((high ^ hash) & 0xFFFFFFFFL)).none().setitems();
        }
        return p.stop().bytes();
    }
}
