import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SetupTableCard, StatusAndEditCells } from '../ui/setup-table';
import { practiceContract, type Room } from '../../shared/practice/practice.contract';
import { usePractice, usePracticeStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox, TextField } from '../ui/field';
import { useContractForm } from '../ui/use-form';

export function RoomsSection() {
  const { t } = useTranslation();
  const rooms = usePractice((state) => state.rooms);
  const practitioners = usePractice((state) => state.practitioners);
  const status = usePractice((state) => state.status);
  const [editing, setEditing] = useState<Room | 'new' | null>(null);

  return (
    <SetupTableCard
      id="rooms"
      title={t('setup.sections.rooms')}
      subtitle={t('setup.rooms.lead')}
      addLabel={t('setup.rooms.add')}
      onAdd={() => setEditing('new')}
      isLoading={status === 'loading'}
      isEmpty={rooms.length === 0}
      emptyIcon="door"
      emptyTitle={t('setup.rooms.empty')}
      columns={[{ label: t('setup.rooms.name') }, { label: t('setup.rooms.usedBy') }]}
      rows={rooms.map((room) => (
        <tr key={room.id} className={room.isActive ? '' : 'is-inactive'} data-testid="room-row">
          <td className="strong">{room.name}</td>
          <td className="muted">
            {practitioners
              .filter((p) => p.defaultRoomId === room.id)
              .map((p) => p.fullName)
              .join(', ') || '—'}
          </td>
          <StatusAndEditCells isActive={room.isActive} name={room.name} onEdit={() => setEditing(room)} />
        </tr>
      ))}
    >
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('setup.rooms.add') : t('setup.rooms.edit')}
        size="sm"
        testId="room-dialog"
      >
        {editing !== null ? <RoomForm room={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
    </SetupTableCard>
  );
}

function RoomForm({ room, onDone }: { room: Room | null; onDone: () => void }) {
  const { t } = useTranslation();
  const practice = usePracticeStore();
  const ui = useUiStore();
  const form = useContractForm({
    initial: { name: room?.name ?? '', isActive: room?.isActive ?? true },
    schema: practiceContract['rooms.save'].input,
    toInput: (values) => ({ ...(room ? { id: room.id } : {}), name: values.name, isActive: values.isActive }),
    submit: (input) => practice.getState().saveRoom(input),
    onDone: () => {
      ui.getState().toast('success', t('setup.rooms.saved'));
      onDone();
    },
  });
  return (
    <form ref={form.formRef} className="stack" onSubmit={form.onSubmit} noValidate>
      <TextField
        label={t('setup.rooms.name')}
        required
        autoFocus
        maxLength={40}
        value={form.values.name}
        onChange={(event) => form.setValue('name', event.target.value)}
        error={form.errors['name']}
      />
      <Checkbox label={t('common.active')} checked={form.values.isActive} onChange={(event) => form.setValue('isActive', event.target.checked)} />
      <ErrorMessage error={form.error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" isBusy={form.isBusy}>
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}
