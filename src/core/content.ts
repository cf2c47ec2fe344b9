/**
 * MCP content blocks, as the protocol defines them. Palisade passes them through
 * unchanged (after redaction), so an upstream tool's answer keeps its images and
 * embedded resources.
 */
export type ContentBlock =
  | { type: 'text'; text: string; annotations?: Record<string, unknown>; _meta?: Record<string, unknown> }
  | { type: 'image'; data: string; mimeType: string; annotations?: Record<string, unknown>; _meta?: Record<string, unknown> }
  | { type: 'audio'; data: string; mimeType: string; annotations?: Record<string, unknown>; _meta?: Record<string, unknown> }
  | { type: 'resource_link'; uri: string; name: string; [k: string]: unknown }
  | { type: 'resource'; resource: { uri: string; mimeType?: string; text?: string; blob?: string; [k: string]: unknown }; [k: string]: unknown };

export function textBlock(text: string): ContentBlock {
  return { type: 'text', text };
}
