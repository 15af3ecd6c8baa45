package dev.superscope.plugins;

/** A tensor's element type cannot be used for what was asked of it. */
public final class UnsupportedDTypeException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public UnsupportedDTypeException(DType dtype, String what) {
        super(null, "dtype " + dtype + " " + what);
    }
}
