import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { ProjectOperationsSettings, ShellAccess } from '../api/environment-operations-types.ts';
import type { Project } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { Loaded } from '../components/loading.tsx';
import { useProject } from '../project-context.tsx';
import { SelectField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';

const CHOICES: readonly { value: ShellAccess; label: string }[] = [
  { value: 'maintainer', label: 'Maintainers' },
  { value: 'developer', label: 'Developers and maintainers' },
];

/**
 * Who may open a shell inside the project's running environments (`shell_access` of
 * `PUT /projects/:id`). Protected environments can turn shells off whatever this says.
 */
export function ShellAccessSection() {
  const { api: path } = useProject();
  const project = useApi<Project & ProjectOperationsSettings>(path);
  return (
    <SettingsSection
      title="Shell access"
      description="Who may open a shell inside the containers of this project's environments, from the environment page or with gantry exec. Every shell is recorded (who, when, which container, how long). A protected environment can disable shells altogether."
    >
      <Loaded state={project}>
        {(current) => (
          <ShellAccessForm
            path={path}
            current={current.shell_access ?? 'maintainer'}
            onSaved={project.reload}
          />
        )}
      </Loaded>
    </SettingsSection>
  );
}

function ShellAccessForm({
  path,
  current,
  onSaved,
}: {
  path: string;
  current: ShellAccess;
  onSaved: () => void;
}) {
  const [access, setAccess] = useState(current);
  const [saved, setSaved] = useState(false);
  return (
    <FormCard
      title="Who may open shells"
      submitLabel="Save"
      onSubmit={async () => {
        setSaved(false);
        await api(path, { method: 'PUT', body: { shell_access: access } });
        setSaved(true);
        onSaved();
      }}
    >
      <SelectField
        label="Shell access"
        value={access}
        onChange={(value) => {
          setAccess(value);
          setSaved(false);
        }}
        choices={CHOICES}
        hint="Reporters never may."
      />
      {saved && (
        <p className="muted" role="status">
          Saved.
        </p>
      )}
    </FormCard>
  );
}
