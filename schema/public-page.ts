import { z } from 'zod';

/** A province's public transparency page as the admin sees it (GET /api/admin/public-pages). */
export const PublicPageEntry = z.object({
  provinceId: z.string(),
  code: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  /** Absolute addresses, to give to the province's portal. */
  pageUrl: z.string(),
  embedUrl: z.string(),
  csvUrl: z.string(),
  jsonUrl: z.string(),
});
export type PublicPageEntry = z.infer<typeof PublicPageEntry>;

export const PublicPageList = z.object({
  pages: z.array(PublicPageEntry),
  /** Where the key that checks signed exports is published. */
  signingKeyUrl: z.string(),
  keyId: z.string(),
});
export type PublicPageList = z.infer<typeof PublicPageList>;

/** PUT /api/admin/public-pages/:provinceId */
export const PublicPageSwitch = z.object({ enabled: z.boolean() }).strict();
export type PublicPageSwitch = z.infer<typeof PublicPageSwitch>;
