package dev.superscope.checkpoints.torch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle bytes opcode by opcode, the way CPython's pickler (protocol 2) lays them out for a
 * torch.save state dict, so tests can build both faithful and hostile {@code data.pkl} files.
 */
final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int memo;

    PickleBuilder op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBuilder raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PickleBuilder proto(int version) {
        return op(0x80).op(version);
    }

    PickleBuilder emptyDict() {
        return op('}');
    }

    PickleBuilder emptyList() {
        return op(']');
    }

    PickleBuilder emptyTuple() {
        return op(')');
    }

    PickleBuilder mark() {
        return op('(');
    }

    PickleBuilder tuple() {
        return op('t');
    }

    PickleBuilder tuple(int n) {
        return op(0x84 + n);
    }

    PickleBuilder setitem() {
        return op('s');
    }

    PickleBuilder setitems() {
        return op('u');
    }

    PickleBuilder append() {
        return op('a');
    }

    PickleBuilder reduce() {
        return op('R');
    }

    PickleBuilder build() {
        return op('b');
    }

    PickleBuilder persid() {
        return op('Q');
    }

    PickleBuilder none() {
        return op('N');
    }

    PickleBuilder bool(boolean b) {
        return op(b ? 0x88 : 0x89);
    }

    PickleBuilder stop() {
        return op('.');
    }

    /** BINPUT of the next memo index; returns this builder (the index is {@link #lastMemo()}). */
    PickleBuilder put() {
        return op('q').op(memo++);
    }

    int lastMemo() {
        return memo - 1;
    }

    /** LONG_BINPUT of an explicit memo index (for pickles with more than 256 entries). */
    PickleBuilder putLong(int index) {
        return op('r').int32(index);
    }

    /** LONG_BINGET of an explicit memo index, even one BINGET could name (as a pickler may write it). */
    PickleBuilder getLong(int index) {
        return op('j').int32(index);
    }

    /** LONG1 with all 8 bytes, whatever the value. */
    PickleBuilder long8(long v) {
        op(0x8a).op(8);
        for (int i = 0; i < 8; i++) {
            op((int) (v >> (8 * i)) & 0xFF);
        }
        return this;
    }

    /** BINGET, or LONG_BINGET for an index above 255. */
    PickleBuilder get(int index) {
        return index < 256 ? op('h').op(index) : getLong(index);
    }

    /** The smallest integer opcode for {@code v}, as CPython picks it. */
    PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').op((int) v);
        }
        if (v >= 0 && v < 65536) {
            return op('M').op((int) v & 0xFF).op((int) (v >> 8));
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').int32((int) v);
        }
        op(0x8a).op(8);
        for (int i = 0; i < 8; i++) {
            op((int) (v >> (8 * i)) & 0xFF);
        }
        return this;
    }

    PickleBuilder int32(int v) {
        return op(v & 0xFF).op((v >> 8) & 0xFF).op((v >> 16) & 0xFF).op((v >>> 24));
    }

    PickleBuilder unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').int32(b.length);
        return raw(b);
    }

    PickleBuilder global(String module, String name) {
        op('c');
        raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Protocol 4's form: two strings on the stack, then STACK_GLOBAL. */
    PickleBuilder stackGlobal(String module, String name) {
        byte[] m = module.getBytes(StandardCharsets.UTF_8);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        op(0x8c).op(m.length).raw(m);
        op(0x8c).op(n.length).raw(n);
        return op(0x93);
    }

    /** A tuple of small non-negative ints (sizes or strides). */
    PickleBuilder ints(long... values) {
        if (values.length == 0) {
            return emptyTuple();
        }
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    /**
     * {@code torch._utils._rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())},
     * byte for byte as torch.save writes it (minus memo puts, which are optional).
     */
    PickleBuilder tensor(String storageClass, String key, long numel, long offset, long[] shape, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().unicode("storage").global("torch", storageClass).unicode(key).unicode("cpu").integer(numel).tuple();
        persid();
        integer(offset).ints(shape).ints(stride).bool(false);
        global("collections", "OrderedDict").emptyTuple().reduce();
        tuple();
        return reduce();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
