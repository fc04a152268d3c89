import { Type } from 'typebox';
import type { ProtectedRef } from '../services/protected-ref-service.ts';

/** A protected branch or tag rule; `implicit` (with `id` null) is the default branch's own protection. */
export const ProtectedRefView = Type.Object({
  id: Type.Union([Type.Integer(), Type.Null()]),
  name: Type.String(),
  implicit: Type.Boolean(),
});

export const protectedRefView = (rule: ProtectedRef) => ({
  id: rule.id,
  name: rule.name,
  implicit: rule.implicit,
});
