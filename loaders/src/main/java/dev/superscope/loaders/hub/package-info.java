/**
 * The local Hugging Face hub cache: finding a model's snapshot directory from {@code org/name[@rev]}.
 *
 * <p>{@link dev.superscope.loaders.hub.HuggingFaceCache} reads the layout that {@code huggingface_hub}
 * writes (refs naming commits, snapshot folders of links into a blob store) and never writes or
 * downloads; a miss is an error that says where it looked.
 */
package dev.superscope.loaders.hub;
