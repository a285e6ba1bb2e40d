/**
 * The one-line text syntax of questions ({@link io.sextant.query.text.QueryText}): lexer, parser
 * with messages that say what was expected where, and the canonical formatter (docs/query.md).
 */
package io.sextant.query.text;
