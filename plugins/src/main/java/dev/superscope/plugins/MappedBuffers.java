package dev.superscope.plugins;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a memory mapping at once instead of when the garbage collector finds it unreachable. Java 17
 * has no public way to do this; {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, the
 * route Lucene takes) runs the mapping's cleaner. Without it a streamed pass over a large head keeps
 * every block it mapped resident until a collection, which a large heap may never need to run.
 *
 * <p>Only the buffer {@code FileChannel.map} returned can be unmapped; slices and duplicates are left
 * to the collector, and so is everything when the JDK does not offer the method.
 */
final class MappedBuffers {
    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    private MappedBuffers() {
    }

    /** Unmaps {@code buffer} now when it is a file mapping of its own; does nothing otherwise. */
    static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || !(buffer instanceof MappedByteBuffer)) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (IllegalArgumentException sliceOrDuplicate) {
            // a view of a mapping someone else owns: that owner (or the collector) frees it
        } catch (Throwable e) {
            throw new IllegalStateException("cannot unmap a block: " + e, e);
        }
    }

    private static MethodHandle invokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
