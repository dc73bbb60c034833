/**
 * Escaping for the XML and HTML reporters. Test names and logs come from guests and kernels, so they are
 * hostile input: every character that could end an attribute or open markup is escaped, and characters
 * that XML 1.0 forbids outright (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are replaced by a
 * visible `\xNN` / `\uNNNN` escape, because no escaping can make them legal and a single one makes the
 * whole file unreadable to JUnit consumers.
 */

/** Characters that may not appear in an XML 1.0 document at all, even as character references. */
const XML_INVALID =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Cheap pre-check (any surrogate sends the text to the exact pattern above). */
const MAYBE_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/;

/** Replaces characters forbidden in XML 1.0 with a readable escape (`\x1b`, `\ud800`). */
export function replaceInvalidXmlChars(text: string): string {
  if (!MAYBE_INVALID.test(text)) return text;
  return text.replace(XML_INVALID, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#09;',
};
const entity = (ch: string): string => ENTITIES[ch] ?? ch;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<>"\n\r\t]/g;
/** A character either escaping step would change (most names and log lines have none). */
const ATTR_CHANGED = /[&<>"\n\r\t\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/;

/**
 * Element text, escaped as Python's ElementTree does (`&`, `<`, `>`), so output stays byte-identical to
 * kunit_junit.py; CR is kept as `&#13;` because XML parsers would otherwise turn it into LF.
 */
export function xmlText(text: string): string {
  return replaceInvalidXmlChars(text).replace(TEXT_SPECIAL, entity);
}

/**
 * Attribute value for a double-quoted attribute, escaped as ElementTree does: `"` and the whitespace
 * characters that attribute-value normalisation would otherwise flatten into spaces.
 */
export function xmlAttr(text: string): string {
  if (!ATTR_CHANGED.test(text)) return text;
  return replaceInvalidXmlChars(text).replace(ATTR_SPECIAL, entity);
}

/** Text or attribute content for HTML. Control characters are made visible so logs cannot hide text. */
export function htmlEscape(text: string): string {
  return replaceInvalidXmlChars(text).replace(/[&<>"']/g, entity);
}
