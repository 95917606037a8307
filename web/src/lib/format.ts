/** Times and people, for display. */
import type { Member } from '../api/types';

export function ago(ms: number, now: number = Date.now()): string {
  if (!ms) return 'never';
  const s = Math.round((now - ms) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 60) return `${d} d ago`;
  return new Date(ms).toLocaleDateString();
}

export function dateTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

/** `user:ID` / `token:ID` / `system:NAME` → a name. */
export function actorName(actor: string, members: Member[] | undefined): string {
  const [kind, id] = actor.split(':', 2);
  if (kind === 'user') {
    const m = members?.find((x) => x.userId === id);
    return m ? m.name || m.email : 'a former member';
  }
  if (kind === 'token') return `API token ${id?.slice(0, 8) ?? ''}`;
  if (kind === 'system') return id ? `Switchyard (${id})` : 'Switchyard';
  return actor || 'someone';
}
