/**
 * The words of the dialog the app shows when its database file is damaged, in the language of
 * the computer (the clinic's language is in the damaged file). Pure, so it is tested without Electron.
 */
const words = {
  en: {
    message: 'The database file is damaged.',
    detail: (backup: string) =>
      `Front Desk can restore the last good backup:\n${backup}\n\nWhat was entered on this computer after it is lost (a desk that syncs gets back from the cloud what it had sent). The damaged file is kept aside, not deleted.`,
    restore: 'Restore the backup',
    quit: 'Quit',
    failed: 'Front Desk could not restore the backup',
  },
  pt: {
    message: 'O ficheiro da base de dados está danificado.',
    detail: (backup: string) =>
      `O Front Desk pode repor a última cópia de segurança boa:\n${backup}\n\nO que foi registado neste computador depois dela perde-se (um posto sincronizado recebe de volta da nuvem o que lhe tinha enviado). O ficheiro danificado fica guardado à parte, não é apagado.`,
    restore: 'Repor a cópia',
    quit: 'Sair',
    failed: 'O Front Desk não conseguiu repor a cópia de segurança',
  },
};

export function damagedDialogWords(locale: string, backup: string) {
  const text = locale.toLowerCase().startsWith('pt') ? words.pt : words.en;
  return { message: text.message, detail: text.detail(backup), buttons: [text.restore, text.quit], failed: text.failed };
}
