import { z } from 'zod';
import { Id } from './admin.js';
import { CalendarDay } from './days.js';
import { LocalizedText } from './instrument.js';
import { Channel } from './survey.js';

/**
 * Why the intake flagged an answer suspect (kept, acknowledged, counted nowhere until reviewed):
 * - address_limit: more answers from one network address to one survey point in an hour than ADDRESS_LIMIT_PER_HOUR;
 * - device_limit: more from one device (the marker the survey page keeps on it) than DEVICE_LIMIT_PER_HOUR;
 * - kiosk_gap: sooner after the previous answer at a kiosk point than KIOSK_MIN_GAP_SECONDS.
 * When several apply, the first in this order is recorded.
 */
export const SUSPECT_REASONS = ['address_limit', 'device_limit', 'kiosk_gap'] as const;
export const SuspectReason = z.enum(SUSPECT_REASONS);
export type SuspectReason = z.infer<typeof SuspectReason>;

/** pending: flagged and not yet reviewed; accepted: counted in the scores again; rejected: stays out. */
export const REVIEW_STATES = ['pending', 'accepted', 'rejected'] as const;
export const ReviewState = z.enum(REVIEW_STATES);
export type ReviewState = z.infer<typeof ReviewState>;

/** GET /api/admin/review: flagged answers in the caller's area, optionally one unit's subtree or one hour at one point. */
export const ReviewQuery = z
  .object({
    unitId: Id.optional(),
    status: ReviewState.default('pending'),
    surveyPointId: Id.optional(),
    /** Vietnam-local day and hour of one group (with surveyPointId). */
    day: CalendarDay.optional(),
    hour: z.coerce.number().int().min(0).max(23).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type ReviewQuery = z.infer<typeof ReviewQuery>;

const UnitName = z.object({ id: z.string(), name: z.string() });
const CounterName = z.object({ code: z.string(), name: z.string() });
const ReasonCounts = z.object({ ...Object.fromEntries(SUSPECT_REASONS.map((r) => [r, z.number().int()])), other: z.number().int() }) as z.ZodObject<
  Record<SuspectReason | 'other', z.ZodNumber>
>;

export const ReviewCounts = z.object({ pending: z.number().int(), accepted: z.number().int(), rejected: z.number().int() });
export type ReviewCounts = z.infer<typeof ReviewCounts>;

/**
 * Flagged answers of one survey point in one Vietnam-local hour: a burst shows as one group with
 * many answers, next to how many answers of that hour count in the scores.
 */
export const ReviewGroup = z.object({
  surveyPointId: z.string().nullable(),
  pointCode: z.string().nullable(),
  unit: UnitName,
  counter: CounterName.nullable(),
  day: z.string(),
  hour: z.number().int(),
  pending: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  /** Pending answers by reason ('other': flagged before reasons were kept, or by a tool). */
  reasons: ReasonCounts,
  /** Answers at this point in this hour that count in the scores (never flagged, or accepted). */
  counted: z.number().int(),
});
export type ReviewGroup = z.infer<typeof ReviewGroup>;

export const ReviewItem = z.object({
  id: z.string(),
  submittedAt: z.string(),
  day: z.string(),
  hour: z.number().int(),
  unit: UnitName,
  counter: CounterName.nullable(),
  surveyPointId: z.string().nullable(),
  pointCode: z.string().nullable(),
  channel: Channel,
  instrumentId: z.string(),
  reason: SuspectReason.nullable(),
  status: ReviewState,
  reviewedAt: z.string().nullable(),
  /** Item code → 1..5 (or 1–2 for yes/no items); null = no opinion. */
  ratings: z.record(z.string(), z.number().int().nullable()),
  comment: z.string().nullable(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const ReviewPage = z.object({
  /** Flagged answers in the area asked for, by state, whatever the other filters. */
  counts: ReviewCounts,
  /** Pending answers in that area by reason. */
  reasons: ReasonCounts,
  /** The hours with the most answers in the state asked for (at most 50). */
  groups: z.array(ReviewGroup),
  items: z.array(ReviewItem),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  /** Item labels of the instruments in the page. */
  labels: z.record(z.string(), LocalizedText),
});
export type ReviewPage = z.infer<typeof ReviewPage>;

/** POST /api/admin/review/decisions: accept (count in the scores) or reject (keep out) flagged answers. */
export const ReviewDecisionInput = z
  .object({
    ids: z
      .array(Id)
      .min(1)
      .max(500)
      .refine((ids) => new Set(ids).size === ids.length, 'each id once'),
    decision: z.enum(['accept', 'reject']),
  })
  .strict();
export type ReviewDecisionInput = z.infer<typeof ReviewDecisionInput>;

export const ReviewDecisionResult = z.object({
  decision: z.enum(['accept', 'reject']),
  /** Answers whose state changed. */
  changed: z.number().int(),
  /** Answers already in the state asked for. */
  unchanged: z.number().int(),
});
export type ReviewDecisionResult = z.infer<typeof ReviewDecisionResult>;
