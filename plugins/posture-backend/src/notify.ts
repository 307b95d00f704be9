import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Regression } from './runStoreApi';

/**
 * Tells each owner that an entity's grade or level dropped. Without a
 * notifications backend the send fails, and the regression is logged instead;
 * it is in the history either way.
 */
export async function notifyRegressions(
  regressions: Regression[],
  notifications: NotificationService,
  logger: LoggerService,
): Promise<void> {
  for (const r of regressions) {
    const text = `${r.entityRef}: grade ${r.from.grade ?? '-'} → ${r.to.grade ?? '-'}, level ${r.from.level} → ${r.to.level}`;
    if (!r.owner) {
      logger.warn(`Posture regression (no owner to notify): ${text}`);
      continue;
    }
    const e = parseEntityRef(r.entityRef);
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: r.owner },
        payload: {
          title: `Posture dropped for ${e.name}`,
          description: text,
          link: `/catalog/${e.namespace}/${e.kind.toLocaleLowerCase('en-US')}/${e.name}/posture`,
          severity: 'high',
          topic: 'posture-regression',
        },
      });
    } catch (err) {
      logger.warn(`Posture regression (notification not sent: ${(err as Error).message}): ${text}`);
    }
  }
}
