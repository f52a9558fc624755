/** The Hub's words in French (loaded on demand). */
import type { Catalogue } from './en.js';

const fr: Catalogue = {
  lang: 'fr',
  dir: 'ltr',
  messages: {
    loading: 'Chargement…',
    'loading.app': 'Chargement de {name}…',
    details: 'Détails',

    'whom.default': 'l’entreprise qui vous a envoyé ce lien',
    'whom.companyEmail': '{company} ({email})',
    'whom.email': 'l’entreprise qui vous a envoyé ce lien ({email})',

    'brand.asksAccount': '{company} vous demande de connecter votre compte {provider}.',
    'brand.asksAccountFor': '{company} vous demande de connecter votre compte {provider} pour {owner}.',
    'brand.asksAny': '{company} vous demande de connecter un compte.',
    'brand.asksAnyFor': '{company} vous demande de connecter un compte pour {owner}.',
    'brand.privacy': 'Politique de confidentialité',
    'brand.terms': 'Conditions d’utilisation',
    'brand.poweredBy': 'Propulsé par Switchboard',

    'list.title': 'Connecter un compte',
    'list.lead': 'Choisissez l’application à connecter.',
    'list.search': 'Rechercher',
    'list.searchLabel': 'Rechercher une application',
    'list.listLabel': 'Applications',
    'list.filterLabel': 'Filtrer par catégorie',
    'list.all': 'Toutes',
    'list.none': 'Aucune application n’est proposée avec ce lien.',
    'list.noMatch': 'Aucune application ne correspond à « {query} ».',
    'list.count.one': '{count} application',
    'list.count.other': '{count} applications',
    'list.unnamed': 'Sans nom',

    'form.connect': 'Connecter',
    'form.reconnect': 'Reconnecter',
    'form.save': 'Enregistrer',
    'form.connecting': 'Connexion…',
    'form.redirecting': 'Redirection…',
    'form.legend': 'Informations de connexion à {name}',
    'form.pressConnect':
      'Appuyez sur Connecter pour vous identifier. Une fenêtre s’ouvrira pour autoriser {name}.',
    'form.secureOauth': 'Vous vous identifierez sur la page du service lui-même.',
    'form.secureKey': 'Vos identifiants sont chiffrés et envoyés de façon sécurisée.',
    'form.introEdit': 'Mettez à jour votre connexion à {name}.',
    'form.introOauth': 'Identifiez-vous sur {name} pour connecter votre compte.',
    'form.introKey': 'Saisissez vos informations {name} pour connecter votre compte.',
    'form.back': 'Retour aux applications',
    'form.guide': 'Guide de connexion',
    'form.newTab': ' (s’ouvre dans un nouvel onglet)',

    'field.required': '{label} est obligatoire',
    'field.number': 'Saisissez un nombre',
    'field.domain': 'Saisissez un domaine {pattern}.com valide',
    'field.pattern': 'Respectez le format attendu : {pattern}',
    'field.select': 'Choisir…',
    'field.edit': 'Modifier',
    'field.editLabel': 'Modifier {label}',
    'field.show': 'Afficher',
    'field.hide': 'Masquer',
    'field.showLabel': 'Afficher {label}',
    'field.optional': ' (facultatif)',

    'guide.title': 'Avant de vous connecter',
    'guide.copy': 'Copier',
    'guide.copied': 'Copié',
    'guide.copyFailed': 'Sélectionnez l’adresse et copiez-la',
    'guide.redirectUri': 'URI de redirection',
    'guide.registerExactly': 'Enregistrez exactement cette adresse dans votre application :',

    'start.failed': 'La connexion n’a pas pu démarrer. Veuillez réessayer.',
    'start.blockedRedirect':
      'Votre navigateur a bloqué la fenêtre de connexion. Nous continuons vers {name} dans cet onglet…',
    'start.blocked':
      'Votre navigateur a bloqué la fenêtre de connexion. Autorisez les fenêtres pop-up pour ce site, puis appuyez de nouveau sur Connecter.',

    'wait.cancel': 'Annuler',
    'wait.showWindow': 'Afficher la fenêtre de connexion',
    'wait.finishInWindow': 'Terminez votre connexion à {name} dans la fenêtre qui s’est ouverte.',
    'wait.checking': 'Vérification de votre connexion à {name}…',
    'wait.title': 'En attente de {name}',
    'wait.heading': 'En attente de {name}…',
    'wait.expired': 'La connexion a pris trop de temps et a expiré. Appuyez sur Connecter pour réessayer.',
    'wait.closed':
      'La fenêtre a été fermée avant la fin de votre connexion à {name}. Appuyez sur Connecter pour réessayer.',
    'wait.timedOut': 'Le délai de connexion est dépassé. Appuyez sur Connecter pour réessayer.',
    'wait.otherWindow':
      'Terminez votre connexion à {name} dans l’autre fenêtre. Si vous l’avez fermée, appuyez sur Annuler.',
    'wait.failedTitle': 'Impossible de connecter {name}',

    'success.title': 'Compte connecté',
    'success.text': 'Votre compte {name} est connecté.',
    'success.textClose': 'Votre compte {name} est connecté. Vous pouvez fermer cette fenêtre.',
    'success.another': 'Connecter un autre compte',
    'success.close': 'Fermer',
    'success.announce': 'Compte connecté : {name}',

    'events.title': 'Encore une étape : activer les mises à jour de {name}',
    'events.why':
      'Pour que les changements faits dans {name} soient transmis dès qu’ils ont lieu, ajoutez un webhook dans {name} avec l’adresse et la clé de signature ci-dessous.',
    'events.url': 'Adresse du webhook',
    'events.secret': 'Clé de signature',
    'events.secretHint': 'Gardez-la secrète : elle prouve que les mises à jour viennent bien de {name}.',
    'events.urlBelow': 'l’adresse du webhook ci-dessous',
    'events.secretBelow': 'la clé de signature ci-dessous',

    'error.title': 'Un problème est survenu',
    'error.chooseAnother': 'Choisir une autre application',
    'error.tryAgain': 'Réessayer',
    'error.thisApp': 'cette application',

    'ended.expiredTitle': 'Lien expiré',
    'ended.expiredFor': 'Ce lien destiné à {owner} a expiré.',
    'ended.expired': 'Ce lien a expiré.',
    'ended.expiredOn': 'Il ne fonctionne plus depuis le {date}.',
    'ended.expiredNext':
      'Les liens ne fonctionnent que pendant une durée limitée. Demandez-en un nouveau à {whom}.',
    'ended.invalidTitle': 'Lien non valide',
    'ended.invalid': 'Ce lien n’est pas valide.',
    'ended.invalidNext':
      'Vérifiez que vous avez ouvert le lien en entier. S’il ne fonctionne toujours pas, demandez-en un nouveau à {whom}.',
    'ended.unknown': 'Ce lien a expiré ou n’est pas valide.',
    'ended.unknownNext': 'Demandez un nouveau lien à {whom}.',

    'problem.generic': 'Un problème est survenu. Veuillez réessayer. Si cela se reproduit, contactez {whom}.',
    'problem.offline': 'Le serveur est injoignable. Vérifiez votre connexion Internet et réessayez.',
    'problem.tooMany': 'Trop de tentatives en peu de temps. Attendez une minute, puis réessayez.',
    'problem.server':
      'Un problème est survenu de notre côté. Vos informations n’ont pas été enregistrées. Réessayez dans quelques minutes.',
    'problem.unreachable':
      '{name} est injoignable. Vos informations n’ont pas été enregistrées. Réessayez dans quelques minutes.',
    'problem.providerDown':
      '{name} rencontre des difficultés en ce moment. Vos informations n’ont pas été enregistrées. Réessayez dans quelques minutes.',
    'problem.refused': '{name} n’a pas accepté ces informations. Vérifiez-les et réessayez.',
    'problem.fieldInvalid': '{label} n’est pas valide. Vérifiez et réessayez.',
    'problem.invalidFields':
      'Certaines des informations saisies ne sont pas valides. Vérifiez-les et réessayez.',
    'problem.gone':
      '{name} n’est plus proposé avec ce lien. Choisissez une autre application ou demandez un nouveau lien à {whom}.',
    'problem.conflict': 'Cette connexion a été modifiée entre-temps. Veuillez réessayer.',
    'problem.setup': 'Cette connexion est mal configurée. Contactez {whom}.',

    'oauth.denied': 'Vous n’avez pas autorisé l’accès à {name}. Réessayez quand vous serez prêt.',
    'oauth.cancelled': 'Cette connexion a été annulée. Appuyez sur Connecter pour recommencer.',
    'oauth.expired': 'Cette connexion a pris trop de temps et a expiré. Veuillez réessayer.',
    'oauth.busy': '{name} est surchargé en ce moment. Réessayez dans quelques minutes.',
    'oauth.testFailed':
      '{name} n’a pas accepté cette connexion. Vérifiez que votre compte dispose des accès nécessaires, puis réessayez.',
    'oauth.providerError':
      '{name} n’a pas pu terminer la connexion. Réessayez dans quelques minutes. Si cela se reproduit, contactez {whom}.',
    'oauth.notFinished': 'La connexion à {name} n’a pas abouti. Veuillez réessayer.',
    'oauth.failed':
      'Impossible de connecter votre compte {name}. Veuillez réessayer. Si cela se reproduit, contactez {whom}.',

    'callback.failed': 'Impossible de connecter votre compte',
    'callback.failedTitle': 'Échec de la connexion',
    'callback.canClose': 'Vous pouvez fermer cette fenêtre.',
    'callback.goBack': 'Vous pouvez fermer cette fenêtre et revenir là où vous étiez.',
    'callback.theApp': 'l’application',
    'choose.title': 'Quel compte {name} voulez-vous connecter ?',
    'choose.lead': 'Cette connexion donne accès à plusieurs comptes. Choisissez celui à connecter.',
    'choose.connect': 'Connecter',
    'choose.cancel': 'Annuler',
    'choose.working': 'Connexion…',
    'choose.pick': 'Choisissez d’abord un compte.',
    'choose.gone':
      'Ce choix n’est plus possible : il a pris trop de temps ou a déjà été fait. Fermez cette fenêtre et appuyez de nouveau sur Connecter.',
    'choose.unsent': 'Votre choix n’a pas pu être envoyé. Vérifiez votre connexion Internet et réessayez.',

    'category.ats': 'Recrutement',
    'category.hris': 'RH',
    'category.hris-legacy': 'RH (ancienne version)',
    'category.crm': 'CRM',
    'category.iam': 'Identités et accès',
    'category.marketing': 'Marketing',
    'category.lms': 'Formation',
    'category.stackone': 'StackOne',
    'category.documents': 'Documents',
    'category.ticketing': 'Support client',
    'category.screening': 'Vérifications',
    'category.messaging': 'Messagerie',
    'category.accounting': 'Comptabilité',
  },
};
export default fr;
