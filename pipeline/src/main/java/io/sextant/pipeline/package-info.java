/**
 * Moving batches from ingest to the store: group commit with backpressure ({@link
 * io.sextant.pipeline.BatchingWriter}) and retention ({@link io.sextant.pipeline.RetentionJob}).
 */
package io.sextant.pipeline;
