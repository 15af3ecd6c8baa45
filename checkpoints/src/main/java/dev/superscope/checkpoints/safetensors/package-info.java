/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing
 * every tensor ({@code dtype}, {@code shape}, {@code data_offsets}) plus an optional
 * {@code __metadata__} string map, then the raw little-endian tensor bytes laid end to end.
 *
 * <p>Modelled on the reference Rust crate: {@link dev.superscope.checkpoints.safetensors.SafetensorsHeader}
 * parses a header once and checks every rule up front (one distinct, one-line
 * {@link dev.superscope.plugins.BadInputException} per broken rule, naming the file and the tensor);
 * {@link dev.superscope.checkpoints.safetensors.SafetensorsStore} then hands out cheap
 * {@link dev.superscope.plugins.Matrix} views that map one row block of the file at a time, so tensors
 * beyond 2 GiB read fine. {@link dev.superscope.checkpoints.safetensors.SafetensorsWriter} writes files laid
 * out byte for byte as the Python library writes them, streaming tensor data so a large file never sits
 * in memory, and renames them into place atomically.
 */
package dev.superscope.checkpoints.safetensors;
