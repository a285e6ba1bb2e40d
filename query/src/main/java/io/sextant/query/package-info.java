/**
 * The question model and its engines: a {@link io.sextant.query.Question} over events in a time
 * range (filters, breakdowns, calculations, time series, heatmaps), compare-to-baseline, trace
 * search, the one-line text syntax, and the SQL written for each store dialect. User input never
 * reaches SQL as text: values are bound parameters and column names are resolved against the
 * store's catalog of known fields.
 */
package io.sextant.query;
