/**
 * Field rules and sanitation declared in the reader schema as field properties, e.g. {@code
 * "rules": {"required": true, "min": 0, "max": 100000, "finite": true}} and {@code "sanitize":
 * {"trim": true, "case": "upper", "clamp": true}}. Sanitation runs first; then every rule is
 * checked and every violation reported, not just the first.
 */
package dev.scorestream.validation;
