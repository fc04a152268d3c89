import { useId, useState } from 'react';
import { api, projectPath } from '../api/api-client.ts';
import type { ApprovalDecision, ApprovalState, ApprovalSummary } from '../api/approval-types.ts';
import { completesApprovals, decisionOutcome } from '../lib/approval.ts';
import { ConfirmButton } from './action-button.tsx';

type Decision = 'approved' | 'approved and deployed' | 'rejected';

/** One decision's button and its confirmation dialog, with a comment field. */
function DecisionButton({
  decision,
  label,
  title,
  explanation,
  commentRequired,
  danger,
  onDecide,
}: {
  decision: Decision;
  label: string;
  title: string;
  explanation: string;
  commentRequired?: boolean;
  danger?: boolean;
  onDecide: (decision: Decision, comment: string) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const id = useId();
  return (
    <ConfirmButton
      label={label}
      title={title}
      small
      {...(danger !== undefined && { danger })}
      onConfirm={async () => {
        if (commentRequired && !comment.trim())
          throw new Error('Say why you reject it: a comment is required.');
        await onDecide(decision, comment.trim());
        setComment('');
      }}
    >
      <p>{explanation}</p>
      <div className="field">
        <label htmlFor={id}>{commentRequired ? 'Comment (required)' : 'Comment (optional)'}</label>
        <textarea
          id={id}
          value={comment}
          maxLength={1000}
          required={commentRequired}
          onChange={(event) => setComment(event.target.value)}
        />
      </div>
    </ConfirmButton>
  );
}

/**
 * Approve, approve and deploy, and reject for a blocked deployment, each confirmed in a dialog that
 * shows the API's error. "Approve and deploy" is offered only when this approval is the last one
 * needed (before that the deployment could not start). `onDecided` gets a sentence saying what
 * the decision led to.
 */
export function ApprovalActions({
  projectId,
  deploymentId,
  subject,
  approvalState,
  onDecided,
}: {
  projectId: number;
  deploymentId: number;
  /** What is decided on, for the dialogs' titles: `deployment #3 to production`. */
  subject: string;
  approvalState: ApprovalState;
  onDecided: (outcome: string) => void;
}) {
  const decide = async (decision: Decision, comment: string) => {
    const body: ApprovalDecision = {
      status: decision === 'rejected' ? 'rejected' : 'approved',
      ...(comment && { comment }),
      ...(decision === 'approved and deployed' && { deploy: true }),
    };
    const summary = await api<ApprovalSummary>(
      `${projectPath(projectId)}/deployments/${deploymentId}/approval`,
      { method: 'POST', body },
    );
    onDecided(decisionOutcome(decision, summary.approval_state));
  };
  const last = completesApprovals(approvalState);
  return (
    <div className="row">
      <DecisionButton
        decision="approved"
        label="Approve"
        title={`Approve ${subject}?`}
        explanation={
          last
            ? 'Yours is the last approval needed. A deployment job that runs by itself then starts; a manual one (when: manual) waits until someone deploys it.'
            : 'Your approval counts towards those required; the deployment stays blocked until all are in.'
        }
        onDecide={decide}
      />
      {last && (
        <DecisionButton
          decision="approved and deployed"
          label="Approve and deploy"
          title={`Approve and deploy ${subject}?`}
          explanation="Yours is the last approval needed: the deployment starts at once, as you. You need the right to deploy to this environment."
          onDecide={decide}
        />
      )}
      <DecisionButton
        decision="rejected"
        label="Reject"
        title={`Reject ${subject}?`}
        explanation="A rejection cancels the deployment job; the deployment will not run."
        commentRequired
        danger
        onDecide={decide}
      />
    </div>
  );
}
