/** The small XML writer the query protocol (IAM, STS) needs: elements, `member` lists, escaping. */

export type XmlValue = string | number | boolean | Date | undefined | null | XmlValue[] | { readonly [name: string]: XmlValue };

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Writes `value` as the children of an element; arrays become `<member>` items, as in AWS query responses. */
export function xmlChildren(value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${xmlChildren(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, inner]) => inner !== undefined && inner !== null)
      .map(([name, inner]) => `<${name}>${xmlChildren(inner)}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function xmlDocument(root: string, namespace: string, children: XmlValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${xmlChildren(children)}</${root}>`;
}
