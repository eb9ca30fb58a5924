import type { Locale } from '../contract/common';
import type { ConsentText } from './faces.contract';

/**
 * The consent a patient reads before face check-in, versioned: a recorded consent names the
 * version shown, so the wording of a version never changes. A new wording is a new version
 * (and patients who agreed to an older one keep their consent for what it said).
 */
export const CONSENT_VERSION = 'faces-2026-11';

/** The facts the text states, from the clinic's face settings. */
export interface ConsentFacts {
  /** AWS region, e.g. 'eu-west-1'. */
  region: string;
  /** Months after the last visit after which the enrolment is deleted; 0: kept until withdrawn. */
  retentionMonths: number;
  clinicName: string;
}

export function consentTextFor(locale: Locale, facts: ConsentFacts): ConsentText {
  const clinic = facts.clinicName.trim();
  if (locale === 'pt') {
    const who = clinic === '' ? 'a clínica' : clinic;
    const kept =
      facts.retentionMonths > 0
        ? `Guardamo-los até retirar o consentimento ou até ${facts.retentionMonths} meses depois da sua última consulta, o que acontecer primeiro; nessa altura são apagados.`
        : 'Guardamo-los até retirar o consentimento; nessa altura são apagados.';
    return {
      version: CONSENT_VERSION,
      locale,
      title: 'Check-in por reconhecimento facial',
      paragraphs: [
        `Se concordar, pode fazer o check-in no quiosque apenas olhando para a câmara. É opcional: pode sempre usar o telefone e a data de nascimento, ou o código da consulta, e a sua resposta não altera em nada o seu atendimento.`,
        `O que guardamos: 3 fotografias do seu rosto, tiradas agora na receção, num armazenamento privado e cifrado (Amazon S3) de ${who}, e uma representação numérica do seu rosto (não uma fotografia) no serviço Amazon Rekognition, ambos na região da AWS ${facts.region}. As fotografias e o serviço estão ligados a um código aleatório, nunca ao seu nome. As imagens da câmara do quiosque servem só para o reconhecer nesse momento e não são guardadas.`,
        kept,
        'Pode retirar o consentimento a qualquer momento, na receção: apagamos as fotografias e a representação do seu rosto, e o check-in por reconhecimento facial deixa de funcionar para si. Cada registo, reconhecimento e eliminação fica anotado no registo de auditoria da clínica, sem imagens.',
      ],
      question: 'Concorda com o check-in por reconhecimento facial nestas condições?',
    };
  }
  const who = clinic === '' ? "the clinic's" : `${clinic}'s`;
  const kept =
    facts.retentionMonths > 0
      ? `We keep them until you withdraw your consent, or until ${facts.retentionMonths} months after your last visit, whichever comes first; then they are deleted.`
      : 'We keep them until you withdraw your consent; then they are deleted.';
  return {
    version: CONSENT_VERSION,
    locale,
    title: 'Face check-in',
    paragraphs: [
      'If you agree, you can check in at the kiosk just by looking at its camera. It is optional: you can always use your phone number and date of birth, or your appointment code, and your answer changes nothing about your care.',
      `What we store: 3 photos of your face, taken now at the desk, in ${who} private, encrypted storage (Amazon S3), and a numerical description of your face (not a photo) in the Amazon Rekognition service, both in the AWS region ${facts.region}. Both are linked to a random code, never to your name. The kiosk camera's pictures are used only to recognise you at that moment and are never stored.`,
      kept,
      "You can withdraw your consent at any time at the front desk: we delete the photos and the description of your face, and face check-in stops working for you. Each enrolment, recognition and deletion is noted in the clinic's audit log, without any image.",
    ],
    question: 'Do you agree to face check-in on these terms?',
  };
}
