/**
 * The Hugging Face hub: the local cache and a client that audits a hub model without downloading it
 * whole.
 *
 * <p>{@link dev.superscope.checkpoints.hub.HuggingFaceCache} reads the layout that {@code huggingface_hub}
 * writes (refs naming commits, snapshot folders of links into a blob store).
 * {@link dev.superscope.checkpoints.hub.HubCheckpoints} opens a hub id: from a complete snapshot when there
 * is one, else through {@link dev.superscope.checkpoints.hub.HubClient} (revision to commit, whole small files
 * into the Hugging Face cache, Range requests for safetensors headers or a PyTorch zip's directory and
 * data.pkl, and for just the tensors read),
 * keeping fetched tensors in the {@link dev.superscope.checkpoints.hub.TensorCache}. Settings come from the
 * environment variables {@code huggingface_hub} reads ({@link dev.superscope.checkpoints.hub.HubSettings}).
 */
package dev.superscope.checkpoints.hub;
