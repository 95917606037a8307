/** The invitation a visitor arrives with: `?invitation=TOKEN`, or the accept link they were sent back from. */
export function invitationFrom(params: URLSearchParams): string | null {
  const direct = params.get('invitation')?.trim();
  if (direct) return direct;
  const next = params.get('next');
  if (!next || !next.startsWith('/invitations/accept')) return null;
  const q = next.indexOf('?');
  const token = q < 0 ? null : new URLSearchParams(next.slice(q + 1)).get('token')?.trim();
  return token || null;
}
