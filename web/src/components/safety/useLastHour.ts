/** How many times a flag was evaluated in the last hour, over some environments (for a blast radius). */
import { useQueries } from '@tanstack/react-query';
import { flagEvaluationsQuery } from '../../api/analytics';
import { evaluationTotal } from './blastRadius';

/** `total` is null while counting, or where this server keeps no analytics. */
export function useLastHourEvaluations(project: string, flag: string, envIds: string[], enabled: boolean) {
  const qs = useQueries({ queries: envIds.map((env) => ({ ...flagEvaluationsQuery(project, env, flag, 1), enabled })) });
  return { total: evaluationTotal(qs.map((q) => q.data)), counting: enabled && qs.some((q) => q.isLoading) };
}
