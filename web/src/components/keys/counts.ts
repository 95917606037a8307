/** What a delete would take with it, read only while its confirmation is open. */
import { useQuery } from '@tanstack/react-query';
import { flagKeys, listFlags } from '../../api/flags';

/** The project's flags (the flags list's own query), only while `enabled`. */
export function useFlagsWhile(project: string, enabled: boolean) {
  return useQuery({ queryKey: flagKeys.list(project), queryFn: () => listFlags(project), enabled });
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
