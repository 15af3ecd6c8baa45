package dev.superscope.checkpoints.torch;

/**
 * Names of every pickle opcode (protocols 0 to 5), so that a refused opcode is reported by name. Only
 * {@link RestrictedUnpickler} decides which of them are executed.
 */
final class PickleOpcodes {
    private PickleOpcodes() {
    }

    private static final String[] NAMES = new String[256];

    static {
        String table = "I INT J BININT K BININT1 M BININT2 L LONG \u008a LONG1 \u008b LONG4 S STRING T BINSTRING"
                + " U SHORT_BINSTRING B BINBYTES C SHORT_BINBYTES \u008e BINBYTES8 \u0096 BYTEARRAY8"
                + " \u0097 NEXT_BUFFER \u0098 READONLY_BUFFER N NONE \u0088 NEWTRUE \u0089 NEWFALSE V UNICODE"
                + " \u008c SHORT_BINUNICODE X BINUNICODE \u008d BINUNICODE8 F FLOAT G BINFLOAT ] EMPTY_LIST"
                + " a APPEND e APPENDS l LIST ) EMPTY_TUPLE t TUPLE \u0085 TUPLE1 \u0086 TUPLE2 \u0087 TUPLE3"
                + " } EMPTY_DICT d DICT s SETITEM u SETITEMS \u008f EMPTY_SET \u0090 ADDITEMS \u0091 FROZENSET"
                + " 0 POP 2 DUP ( MARK 1 POP_MARK g GET h BINGET j LONG_BINGET p PUT q BINPUT r LONG_BINPUT"
                + " \u0094 MEMOIZE \u0082 EXT1 \u0083 EXT2 \u0084 EXT4 c GLOBAL \u0093 STACK_GLOBAL R REDUCE"
                + " b BUILD i INST o OBJ \u0081 NEWOBJ \u0092 NEWOBJ_EX \u0080 PROTO . STOP \u0095 FRAME"
                + " P PERSID Q BINPERSID";
        String[] parts = table.split(" ");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            NAMES[parts[i].charAt(0)] = parts[i + 1];
        }
    }

    /** The opcode's name and byte, e.g. {@code INST (0x69)}, or {@code unknown opcode 0xff}. */
    static String describe(int opcode) {
        String hex = String.format("0x%02x", opcode & 0xFF);
        String name = NAMES[opcode & 0xFF];
        return name == null ? "unknown opcode " + hex : name + " (" + hex + ")";
    }
}
