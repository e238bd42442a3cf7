import type { Pack } from '../../../src/core/criteria/schema';

const src = { confirmed: true, source: 'test' };
const t = (en: string) => ({ vi: `vi ${en}`, en });

/** A small pack with every kind, including `choice` (the built-in pack has none) and a decimal threshold (98.5). */
export function kindsPack(): Pack {
  return {
    format: 'cfc-criteria-pack',
    formatVersion: 1,
    id: 'kinds',
    version: '1.0.0',
    title: t('Kinds'),
    legalBasis: t('None'),
    effectiveDate: '2025-01-01',
    status: 'official',
    provisionalNotice: t('Provisional'),
    maxTotal: 100,
    recognition: { noCriterionAtZero: true, thresholds: { urban_ward: 90, mountain_island_disadvantaged: 60, other: 80 }, ...src },
    criteria: [
      {
        id: 'A',
        title: t('Choice and boolean'),
        max: 30,
        ...src,
        indicators: [
          {
            id: 'A.1',
            kind: 'choice',
            title: t('Level'),
            max: 20,
            ...src,
            options: [
              { id: 'none', title: t('None'), points: 0, ...src },
              { id: 'partial', title: t('Partial'), points: 10, ...src },
              { id: 'full', title: t('Full'), points: 20, ...src },
            ],
          },
          { id: 'A.2', kind: 'boolean', title: t('Flag'), max: 10, ...src },
        ],
      },
      {
        id: 'B',
        title: t('Rate and count'),
        max: 50,
        ...src,
        indicators: [
          {
            id: 'B.1',
            kind: 'rate',
            better: 'higher',
            title: t('Rate'),
            max: 30,
            ...src,
            numeratorLabel: t('children reached'),
            denominatorLabel: t('children'),
            brackets: [
              { threshold: 98.5, points: 30, ...src },
              { threshold: 90, points: 10, ...src },
            ],
            otherwise: src,
            denominatorZero: { points: 0, ...src },
          },
          {
            id: 'B.2',
            kind: 'count',
            better: 'higher',
            title: t('Clubs'),
            max: 20,
            ...src,
            countLabel: t('clubs'),
            brackets: [
              { threshold: 3, points: 20, ...src },
              { threshold: 1, points: 5, ...src },
            ],
            otherwise: src,
          },
        ],
      },
      {
        id: 'C',
        title: t('Survey'),
        max: 20,
        ...src,
        indicators: [
          {
            id: 'C.1',
            kind: 'survey',
            title: t('Satisfaction'),
            max: 20,
            ...src,
            satisfiedWhen: t('4 or 5'),
            groups: [
              { id: 'children', title: t('Children'), minRespondents: 10, ...src },
              { id: 'adults', title: t('Adults'), minRespondents: 5, ...src },
            ],
            brackets: [{ threshold: 75, points: 20, ...src }],
            otherwise: src,
          },
        ],
      },
    ],
  };
}
