package dev.superscope.checkpoints.hub;

import dev.superscope.checkpoints.torch.RangeSource;
import dev.superscope.plugins.BadInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of a remote file by position, for indexing a PyTorch zip on the hub: each read is served
 * from ranges already held (fetched earlier in this run, or stored in the {@link TensorCache} by an
 * earlier one) or fetched with one Range request of exactly the bytes asked for. {@link #persist} stores
 * what was fetched, so that the next run (also offline) indexes the file with no network. Not
 * thread-safe; its owner synchronizes.
 */
final class CachedRangeSource implements RangeSource {
    private final RemoteFile file;
    private final RemoteAccess access;
    private final Path label;
    private final TreeMap<Long, byte[]> ranges = new TreeMap<>();
    private long size = -1;
    private boolean dirty;
    private boolean usedCache;

    /**
     * @param useCache start from the ranges an earlier run stored (false: fetch everything afresh, and
     *                 replace them when {@link #persist} is called)
     */
    CachedRangeSource(RemoteFile file, RemoteAccess access, boolean useCache) {
        this.file = file;
        this.access = access;
        this.label = Path.of(file.toString());
        if (useCache) {
            access.cache().ranges(file).ifPresent(r -> {
                size = r.fileSize();
                ranges.putAll(r.bytes());
                usedCache = true;
            });
        }
    }

    /** True when reads were served from ranges an earlier run stored. */
    boolean usedCachedRanges() {
        return usedCache;
    }

    @Override
    public long size() {
        if (size < 0) {
            // The first byte's response says how large the file is.
            HubClient.Range first = client().range(file.id(), file.commit(), file.file(), 0, 1);
            size = first.fileSize();
            ranges.put(0L, first.bytes());
            dirty = true;
        }
        return size;
    }

    @Override
    public byte[] read(long position, int length) {
        long end = size();
        if (position < 0 || length < 0 || position > end - length) {
            throw new BadInputException(label, "file ends at byte " + end + " while " + length + " bytes at "
                    + position + " were expected (truncated?)");
        }
        Map.Entry<Long, byte[]> held = ranges.floorEntry(position);
        if (held != null && position + length <= held.getKey() + held.getValue().length) {
            byte[] out = new byte[length];
            System.arraycopy(held.getValue(), (int) (position - held.getKey()), out, 0, length);
            return out;
        }
        byte[] fetched = length == 0 ? new byte[0]
                : client().range(file.id(), file.commit(), file.file(), position, length).bytes();
        byte[] previous = ranges.get(position);
        if (previous == null || previous.length < fetched.length) {
            ranges.put(position, fetched);
        }
        dirty = true;
        return fetched;
    }

    /** Stores the ranges fetched since the last call in the tensor cache. */
    void persist() {
        if (dirty) {
            access.cache().storeRanges(file, new TensorCache.Ranges(size, ranges));
            dirty = false;
        }
    }

    private HubClient client() {
        if (access.offline()) {
            throw RemoteAccess.offlineMiss("the zip directory of " + file,
                    access.cache().directory(file).resolve(TensorCache.RANGES_FILE));
        }
        return access.client();
    }
}
