/** The Hub's words in German (loaded on demand). */
import type { Catalogue } from './en.js';

const de: Catalogue = {
  lang: 'de',
  dir: 'ltr',
  messages: {
    loading: 'Wird geladen…',
    'loading.app': '{name} wird geladen…',
    details: 'Details',

    'whom.default': 'das Unternehmen, das Ihnen diesen Link geschickt hat',
    'whom.companyEmail': '{company} ({email})',
    'whom.email': 'das Unternehmen, das Ihnen diesen Link geschickt hat ({email})',

    'brand.asksAccount': '{company} bittet Sie, Ihr {provider}-Konto zu verbinden.',
    'brand.asksAccountFor': '{company} bittet Sie, Ihr {provider}-Konto für {owner} zu verbinden.',
    'brand.asksAny': '{company} bittet Sie, ein Konto zu verbinden.',
    'brand.asksAnyFor': '{company} bittet Sie, ein Konto für {owner} zu verbinden.',
    'brand.privacy': 'Datenschutz',
    'brand.terms': 'Nutzungsbedingungen',
    'brand.poweredBy': 'Bereitgestellt mit Switchboard',

    'list.title': 'Konto verbinden',
    'list.lead': 'Wählen Sie die App, die Sie verbinden möchten.',
    'list.search': 'Suchen',
    'list.searchLabel': 'Apps durchsuchen',
    'list.listLabel': 'Apps',
    'list.filterLabel': 'Nach Kategorie filtern',
    'list.all': 'Alle',
    'list.none': 'Über diesen Link sind keine Apps verfügbar.',
    'list.noMatch': 'Keine App passt zu „{query}“.',
    'list.count.one': '{count} App',
    'list.count.other': '{count} Apps',
    'list.unnamed': 'Ohne Namen',

    'form.connect': 'Verbinden',
    'form.reconnect': 'Neu verbinden',
    'form.save': 'Änderungen speichern',
    'form.connecting': 'Wird verbunden…',
    'form.redirecting': 'Weiterleitung…',
    'form.legend': 'Verbindungsdaten für {name}',
    'form.pressConnect':
      'Klicken Sie auf Verbinden, um sich anzumelden. Es öffnet sich ein Fenster, in dem Sie {name} den Zugriff erlauben.',
    'form.secureOauth': 'Sie melden sich auf der Seite des Anbieters selbst an.',
    'form.secureKey': 'Ihre Zugangsdaten werden verschlüsselt und sicher übertragen.',
    'form.introEdit': 'Aktualisieren Sie Ihre Verbindung zu {name}.',
    'form.introOauth': 'Melden Sie sich bei {name} an, um Ihr Konto zu verbinden.',
    'form.introKey': 'Geben Sie Ihre Daten für {name} ein, um Ihr Konto zu verbinden.',
    'form.back': 'Zurück zu den Apps',
    'form.guide': 'Anleitung',
    'form.newTab': ' (öffnet in einem neuen Tab)',

    'field.required': '{label} ist ein Pflichtfeld',
    'field.number': 'Bitte geben Sie eine Zahl ein',
    'field.domain': 'Bitte geben Sie eine gültige {pattern}.com-Domain ein',
    'field.pattern': 'Bitte halten Sie das vorgegebene Format ein: {pattern}',
    'field.select': 'Auswählen…',
    'field.edit': 'Ändern',
    'field.editLabel': '{label} ändern',
    'field.show': 'Anzeigen',
    'field.hide': 'Verbergen',
    'field.showLabel': '{label} anzeigen',
    'field.optional': ' (optional)',

    'guide.title': 'Bevor Sie verbinden',
    'guide.copy': 'Kopieren',
    'guide.copied': 'Kopiert',
    'guide.copyFailed': 'Markieren Sie die Adresse und kopieren Sie sie',
    'guide.redirectUri': 'Weiterleitungs-URI',
    'guide.registerExactly': 'Tragen Sie genau diese Adresse in Ihrer App ein:',

    'start.failed': 'Die Anmeldung konnte nicht gestartet werden. Bitte versuchen Sie es erneut.',
    'start.blockedRedirect':
      'Ihr Browser hat das Anmeldefenster blockiert. Es geht in diesem Tab weiter zu {name}…',
    'start.blocked':
      'Ihr Browser hat das Anmeldefenster blockiert. Erlauben Sie Pop-ups für diese Seite und klicken Sie dann erneut auf Verbinden.',

    'wait.cancel': 'Abbrechen',
    'wait.showWindow': 'Anmeldefenster anzeigen',
    'wait.finishInWindow': 'Schließen Sie die Anmeldung bei {name} im geöffneten Fenster ab.',
    'wait.checking': 'Ihre Anmeldung bei {name} wird geprüft…',
    'wait.title': 'Warten auf {name}',
    'wait.heading': 'Warten auf {name}…',
    'wait.expired':
      'Die Anmeldung hat zu lange gedauert und ist abgelaufen. Klicken Sie auf Verbinden, um es erneut zu versuchen.',
    'wait.closed':
      'Das Anmeldefenster wurde geschlossen, bevor die Anmeldung bei {name} abgeschlossen war. Klicken Sie auf Verbinden, um es erneut zu versuchen.',
    'wait.timedOut':
      'Die Zeit für die Anmeldung ist abgelaufen. Klicken Sie auf Verbinden, um es erneut zu versuchen.',
    'wait.otherWindow':
      'Schließen Sie die Anmeldung bei {name} im anderen Fenster ab. Falls Sie es geschlossen haben, klicken Sie auf Abbrechen.',
    'wait.failedTitle': '{name} konnte nicht verbunden werden',

    'success.title': 'Konto verbunden',
    'success.text': 'Ihr {name}-Konto ist verbunden.',
    'success.textClose': 'Ihr {name}-Konto ist verbunden. Sie können dieses Fenster schließen.',
    'success.another': 'Weiteres Konto verbinden',
    'success.close': 'Schließen',
    'success.announce': 'Konto verbunden: {name}',

    'events.title': 'Noch ein Schritt: Updates von {name} einschalten',
    'events.why':
      'Damit Änderungen in {name} sofort weitergegeben werden, legen Sie in {name} einen Webhook mit der Adresse und dem Signaturschlüssel unten an.',
    'events.url': 'Webhook-Adresse',
    'events.secret': 'Signaturschlüssel',
    'events.secretHint': 'Halten Sie ihn geheim: Er belegt, dass die Updates wirklich von {name} kommen.',
    'events.urlBelow': 'die Webhook-Adresse unten',
    'events.secretBelow': 'den Signaturschlüssel unten',

    'error.title': 'Etwas ist schiefgelaufen',
    'error.chooseAnother': 'Andere App wählen',
    'error.tryAgain': 'Erneut versuchen',
    'error.thisApp': 'diese App',

    'ended.expiredTitle': 'Link abgelaufen',
    'ended.expiredFor': 'Dieser Link für {owner} ist abgelaufen.',
    'ended.expired': 'Dieser Link ist abgelaufen.',
    'ended.expiredOn': 'Er gilt seit dem {date} nicht mehr.',
    'ended.expiredNext': 'Links gelten nur für begrenzte Zeit. Bitten Sie {whom} um einen neuen.',
    'ended.invalidTitle': 'Link ungültig',
    'ended.invalid': 'Dieser Link ist ungültig.',
    'ended.invalidNext':
      'Prüfen Sie, ob Sie den vollständigen Link geöffnet haben. Wenn er weiterhin nicht funktioniert, bitten Sie {whom} um einen neuen.',
    'ended.unknown': 'Dieser Link ist abgelaufen oder ungültig.',
    'ended.unknownNext': 'Bitten Sie {whom} um einen neuen Link.',

    'problem.generic':
      'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut. Wenn das wieder passiert, wenden Sie sich an {whom}.',
    'problem.offline':
      'Der Server ist nicht erreichbar. Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
    'problem.tooMany':
      'Zu viele Versuche in kurzer Zeit. Warten Sie eine Minute und versuchen Sie es dann erneut.',
    'problem.server':
      'Bei uns ist etwas schiefgelaufen. Ihre Angaben wurden nicht gespeichert. Bitte versuchen Sie es in ein paar Minuten erneut.',
    'problem.unreachable':
      '{name} ist nicht erreichbar. Ihre Angaben wurden nicht gespeichert. Bitte versuchen Sie es in ein paar Minuten erneut.',
    'problem.providerDown':
      '{name} hat gerade Probleme. Ihre Angaben wurden nicht gespeichert. Bitte versuchen Sie es in ein paar Minuten erneut.',
    'problem.refused':
      '{name} hat diese Angaben nicht akzeptiert. Prüfen Sie sie und versuchen Sie es erneut.',
    'problem.fieldInvalid': '{label} ist ungültig. Prüfen Sie die Angabe und versuchen Sie es erneut.',
    'problem.invalidFields':
      'Einige Ihrer Angaben sind ungültig. Prüfen Sie sie und versuchen Sie es erneut.',
    'problem.gone':
      '{name} ist über diesen Link nicht mehr verfügbar. Wählen Sie eine andere App oder bitten Sie {whom} um einen neuen Link.',
    'problem.conflict': 'Diese Verbindung wurde in der Zwischenzeit geändert. Bitte versuchen Sie es erneut.',
    'problem.setup': 'Diese Verbindung ist nicht richtig eingerichtet. Bitte wenden Sie sich an {whom}.',

    'oauth.denied':
      'Sie haben {name} den Zugriff nicht erlaubt. Versuchen Sie es erneut, wenn Sie so weit sind.',
    'oauth.cancelled': 'Diese Anmeldung wurde abgebrochen. Klicken Sie auf Verbinden, um neu zu beginnen.',
    'oauth.expired':
      'Diese Anmeldung hat zu lange gedauert und ist abgelaufen. Bitte versuchen Sie es erneut.',
    'oauth.busy': '{name} ist gerade ausgelastet. Bitte versuchen Sie es in ein paar Minuten erneut.',
    'oauth.testFailed':
      '{name} hat diese Anmeldung nicht akzeptiert. Prüfen Sie, ob Ihr Konto Zugriff hat, und versuchen Sie es erneut.',
    'oauth.providerError':
      '{name} konnte die Anmeldung nicht abschließen. Bitte versuchen Sie es in ein paar Minuten erneut. Wenn das wieder passiert, wenden Sie sich an {whom}.',
    'oauth.notFinished': 'Die Anmeldung bei {name} wurde nicht abgeschlossen. Bitte versuchen Sie es erneut.',
    'oauth.failed':
      'Ihr {name}-Konto konnte nicht verbunden werden. Bitte versuchen Sie es erneut. Wenn das wieder passiert, wenden Sie sich an {whom}.',

    'callback.failed': 'Ihr Konto konnte nicht verbunden werden',
    'callback.failedTitle': 'Verbindung fehlgeschlagen',
    'callback.canClose': 'Sie können dieses Fenster schließen.',
    'callback.goBack': 'Sie können dieses Fenster schließen und dorthin zurückkehren, wo Sie begonnen haben.',
    'callback.theApp': 'die App',
    'choose.title': 'Welches {name}-Konto möchten Sie verbinden?',
    'choose.lead':
      'Mit dieser Anmeldung können Sie mehrere Konten verwenden. Wählen Sie das Konto, das verbunden werden soll.',
    'choose.connect': 'Verbinden',
    'choose.cancel': 'Abbrechen',
    'choose.working': 'Wird verbunden…',
    'choose.pick': 'Wählen Sie zuerst ein Konto.',
    'choose.gone':
      'Diese Auswahl ist nicht mehr möglich: Sie hat zu lange gedauert oder wurde schon getroffen. Schließen Sie dieses Fenster und klicken Sie erneut auf Verbinden.',
    'choose.unsent':
      'Ihre Auswahl konnte nicht gesendet werden. Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',

    'category.ats': 'Bewerbermanagement',
    'category.hris': 'Personal',
    'category.hris-legacy': 'Personal (alt)',
    'category.crm': 'CRM',
    'category.iam': 'Identität und Zugriff',
    'category.marketing': 'Marketing',
    'category.lms': 'Weiterbildung',
    'category.stackone': 'StackOne',
    'category.documents': 'Dokumente',
    'category.ticketing': 'Kundenservice',
    'category.screening': 'Überprüfungen',
    'category.messaging': 'Nachrichten',
    'category.accounting': 'Buchhaltung',
  },
};
export default de;
