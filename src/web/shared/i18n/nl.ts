/** The Hub's words in Dutch (loaded on demand). */
import type { Catalogue } from './en.js';

const nl: Catalogue = {
  lang: 'nl',
  dir: 'ltr',
  messages: {
    loading: 'Bezig met laden…',
    'loading.app': '{name} wordt geladen…',
    details: 'Details',

    'whom.default': 'het bedrijf dat je deze link heeft gestuurd',
    'whom.companyEmail': '{company} ({email})',
    'whom.email': 'het bedrijf dat je deze link heeft gestuurd ({email})',

    'brand.asksAccount': '{company} vraagt je om je {provider}-account te koppelen.',
    'brand.asksAccountFor': '{company} vraagt je om je {provider}-account te koppelen voor {owner}.',
    'brand.asksAny': '{company} vraagt je om een account te koppelen.',
    'brand.asksAnyFor': '{company} vraagt je om een account te koppelen voor {owner}.',
    'brand.privacy': 'Privacybeleid',
    'brand.terms': 'Voorwaarden',
    'brand.poweredBy': 'Mogelijk gemaakt door Switchboard',

    'list.title': 'Een account koppelen',
    'list.lead': 'Kies de app die je wilt koppelen.',
    'list.search': 'Zoeken',
    'list.searchLabel': 'Apps zoeken',
    'list.listLabel': 'Apps',
    'list.filterLabel': 'Filteren op categorie',
    'list.all': 'Alle',
    'list.none': 'Via deze link zijn geen apps beschikbaar.',
    'list.noMatch': 'Geen apps gevonden voor ‘{query}’.',
    'list.count.one': '{count} app',
    'list.count.other': '{count} apps',
    'list.unnamed': 'Zonder naam',

    'form.connect': 'Koppelen',
    'form.reconnect': 'Opnieuw koppelen',
    'form.save': 'Wijzigingen opslaan',
    'form.connecting': 'Bezig met koppelen…',
    'form.redirecting': 'Je wordt doorgestuurd…',
    'form.legend': 'Koppelgegevens voor {name}',
    'form.pressConnect':
      'Klik op Koppelen om in te loggen. Er opent een venster waarin je {name} toegang geeft.',
    'form.secureOauth': 'Je logt in op de eigen pagina van de aanbieder.',
    'form.secureKey': 'Je gegevens worden versleuteld en veilig verstuurd.',
    'form.introEdit': 'Werk je koppeling met {name} bij.',
    'form.introOauth': 'Log in bij {name} om je account te koppelen.',
    'form.introKey': 'Vul je gegevens voor {name} in om je account te koppelen.',
    'form.back': 'Terug naar de apps',
    'form.guide': 'Handleiding',
    'form.newTab': ' (opent in een nieuw tabblad)',

    'field.required': '{label} is verplicht',
    'field.number': 'Vul een geldig getal in',
    'field.domain': 'Vul een geldig {pattern}.com-domein in',
    'field.pattern': 'Gebruik de juiste notatie: {pattern}',
    'field.select': 'Kies…',
    'field.edit': 'Wijzigen',
    'field.editLabel': '{label} wijzigen',
    'field.show': 'Tonen',
    'field.hide': 'Verbergen',
    'field.showLabel': '{label} tonen',
    'field.optional': ' (optioneel)',

    'guide.title': 'Voordat je koppelt',
    'guide.copy': 'Kopiëren',
    'guide.copied': 'Gekopieerd',
    'guide.copyFailed': 'Selecteer het adres en kopieer het',
    'guide.redirectUri': 'Redirect-URI',
    'guide.registerExactly': 'Registreer precies dit adres in je app:',

    'start.failed': 'Het inloggen kon niet worden gestart. Probeer het opnieuw.',
    'start.blockedRedirect':
      'Je browser heeft het inlogvenster geblokkeerd. We gaan in dit tabblad verder naar {name}…',
    'start.blocked':
      'Je browser heeft het inlogvenster geblokkeerd. Sta pop-ups toe voor deze site en klik daarna opnieuw op Koppelen.',

    'wait.cancel': 'Annuleren',
    'wait.showWindow': 'Inlogvenster tonen',
    'wait.finishInWindow': 'Rond het inloggen bij {name} af in het venster dat is geopend.',
    'wait.checking': 'Je inlog bij {name} wordt gecontroleerd…',
    'wait.title': 'Wachten op {name}',
    'wait.heading': 'Wachten op {name}…',
    'wait.expired':
      'Het inloggen duurde te lang en is verlopen. Klik op Koppelen om het opnieuw te proberen.',
    'wait.closed':
      'Het inlogvenster is gesloten voordat je klaar was met inloggen bij {name}. Klik op Koppelen om het opnieuw te proberen.',
    'wait.timedOut': 'De tijd voor het inloggen is verstreken. Klik op Koppelen om het opnieuw te proberen.',
    'wait.otherWindow':
      'Rond het inloggen bij {name} af in het andere venster. Heb je het gesloten? Klik dan op Annuleren.',
    'wait.failedTitle': '{name} kon niet worden gekoppeld',

    'success.title': 'Account gekoppeld',
    'success.text': 'Je {name}-account is gekoppeld.',
    'success.textClose': 'Je {name}-account is gekoppeld. Je kunt dit venster sluiten.',
    'success.another': 'Nog een koppelen',
    'success.close': 'Sluiten',
    'success.announce': 'Account gekoppeld: {name}',

    'events.title': 'Nog één stap: zet updates van {name} aan',
    'events.why':
      'Zodat wijzigingen in {name} meteen worden doorgegeven, voeg je in {name} een webhook toe met het adres en de ondertekeningssleutel hieronder.',
    'events.url': 'Webhookadres',
    'events.secret': 'Ondertekeningssleutel',
    'events.secretHint': 'Houd hem geheim: hij bewijst dat updates echt van {name} komen.',
    'events.urlBelow': 'het webhookadres hieronder',
    'events.secretBelow': 'de ondertekeningssleutel hieronder',

    'error.title': 'Er ging iets mis',
    'error.chooseAnother': 'Een andere app kiezen',
    'error.tryAgain': 'Opnieuw proberen',
    'error.thisApp': 'deze app',

    'ended.expiredTitle': 'Link verlopen',
    'ended.expiredFor': 'Deze link voor {owner} is verlopen.',
    'ended.expired': 'Deze link is verlopen.',
    'ended.expiredOn': 'Hij werkt niet meer sinds {date}.',
    'ended.expiredNext': 'Links werken maar een beperkte tijd. Vraag {whom} om een nieuwe.',
    'ended.invalidTitle': 'Link ongeldig',
    'ended.invalid': 'Deze link is niet geldig.',
    'ended.invalidNext':
      'Controleer of je de hele link hebt geopend. Werkt hij nog steeds niet? Vraag {whom} dan om een nieuwe.',
    'ended.unknown': 'Deze link is verlopen of niet geldig.',
    'ended.unknownNext': 'Vraag {whom} om een nieuwe link.',

    'problem.generic':
      'Er ging iets mis. Probeer het opnieuw. Blijft het gebeuren? Neem dan contact op met {whom}.',
    'problem.offline':
      'We kunnen de server niet bereiken. Controleer je internetverbinding en probeer het opnieuw.',
    'problem.tooMany': 'Te veel pogingen in korte tijd. Wacht een minuut en probeer het dan opnieuw.',
    'problem.server':
      'Er ging bij ons iets mis. Je gegevens zijn niet opgeslagen. Probeer het over een paar minuten opnieuw.',
    'problem.unreachable':
      'We kunnen {name} niet bereiken. Je gegevens zijn niet opgeslagen. Probeer het over een paar minuten opnieuw.',
    'problem.providerDown':
      '{name} heeft op dit moment problemen. Je gegevens zijn niet opgeslagen. Probeer het over een paar minuten opnieuw.',
    'problem.refused': '{name} heeft deze gegevens niet geaccepteerd. Controleer ze en probeer het opnieuw.',
    'problem.fieldInvalid': '{label} is niet geldig. Controleer het en probeer het opnieuw.',
    'problem.invalidFields':
      'Sommige gegevens die je hebt ingevuld zijn niet geldig. Controleer ze en probeer het opnieuw.',
    'problem.gone':
      '{name} is niet meer beschikbaar via deze link. Kies een andere app of vraag {whom} om een nieuwe link.',
    'problem.conflict': 'Deze koppeling is gewijzigd terwijl je bezig was. Probeer het opnieuw.',
    'problem.setup': 'Deze koppeling is niet goed ingesteld. Neem contact op met {whom}.',

    'oauth.denied': 'Je hebt {name} geen toegang gegeven. Probeer het opnieuw wanneer je zover bent.',
    'oauth.cancelled': 'Het inloggen is geannuleerd. Klik op Koppelen om opnieuw te beginnen.',
    'oauth.expired': 'Het inloggen duurde te lang en is verlopen. Probeer het opnieuw.',
    'oauth.busy': '{name} heeft het op dit moment druk. Probeer het over een paar minuten opnieuw.',
    'oauth.testFailed':
      '{name} heeft deze inlog niet geaccepteerd. Controleer of je account toegang heeft en probeer het opnieuw.',
    'oauth.providerError':
      '{name} kon het inloggen niet afronden. Probeer het over een paar minuten opnieuw. Blijft het gebeuren? Neem dan contact op met {whom}.',
    'oauth.notFinished': 'Het inloggen bij {name} is niet afgerond. Probeer het opnieuw.',
    'oauth.failed':
      'We konden je {name}-account niet koppelen. Probeer het opnieuw. Blijft het gebeuren? Neem dan contact op met {whom}.',

    'callback.failed': 'Je account kon niet worden gekoppeld',
    'callback.failedTitle': 'Koppelen mislukt',
    'callback.canClose': 'Je kunt dit venster sluiten.',
    'callback.goBack': 'Je kunt dit venster sluiten en teruggaan naar waar je begon.',
    'callback.theApp': 'de app',
    'choose.title': 'Welk {name}-account wilt u koppelen?',
    'choose.lead':
      'Met deze aanmelding kunt u meer dan één account gebruiken. Kies het account dat u wilt koppelen.',
    'choose.connect': 'Koppelen',
    'choose.cancel': 'Annuleren',
    'choose.working': 'Bezig met koppelen…',
    'choose.pick': 'Kies eerst een account.',
    'choose.gone':
      'Deze keuze is niet meer mogelijk: het duurde te lang of de keuze is al gemaakt. Sluit dit venster en klik opnieuw op Koppelen.',
    'choose.unsent':
      'Uw keuze kon niet worden verstuurd. Controleer uw internetverbinding en probeer het opnieuw.',

    'category.ats': 'Werving',
    'category.hris': 'HR',
    'category.hris-legacy': 'HR (oud)',
    'category.crm': 'CRM',
    'category.iam': 'Identiteit en toegang',
    'category.marketing': 'Marketing',
    'category.lms': 'Opleiding',
    'category.stackone': 'StackOne',
    'category.documents': 'Documenten',
    'category.ticketing': 'Klantenservice',
    'category.screening': 'Screening',
    'category.messaging': 'Berichten',
    'category.accounting': 'Boekhouding',
  },
};
export default nl;
