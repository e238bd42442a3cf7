/**
 * The Content-Security-Policy of the app's page, the same in both shells (Electron's app:// protocol and browser
 * mode): nothing remote, no eval, no inline scripts. Inline styles are allowed because Mantine sets inline styles
 * (`style` props, CSS variables).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
