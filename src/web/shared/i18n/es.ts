/** The Hub's words in Spanish (loaded on demand). */
import type { Catalogue } from './en.js';

const es: Catalogue = {
  lang: 'es',
  dir: 'ltr',
  messages: {
    loading: 'Cargando…',
    'loading.app': 'Cargando {name}…',
    details: 'Detalles',

    'whom.default': 'la empresa que te envió este enlace',
    'whom.companyEmail': '{company} ({email})',
    'whom.email': 'la empresa que te envió este enlace ({email})',

    'brand.asksAccount': '{company} te pide que conectes tu cuenta de {provider}.',
    'brand.asksAccountFor': '{company} te pide que conectes tu cuenta de {provider} para {owner}.',
    'brand.asksAny': '{company} te pide que conectes una cuenta.',
    'brand.asksAnyFor': '{company} te pide que conectes una cuenta para {owner}.',
    'brand.privacy': 'Política de privacidad',
    'brand.terms': 'Condiciones',
    'brand.poweredBy': 'Con la tecnología de Switchboard',

    'list.title': 'Conectar una cuenta',
    'list.lead': 'Elige la aplicación que quieres conectar.',
    'list.search': 'Buscar',
    'list.searchLabel': 'Buscar aplicaciones',
    'list.listLabel': 'Aplicaciones',
    'list.filterLabel': 'Filtrar por categoría',
    'list.all': 'Todas',
    'list.none': 'Este enlace no ofrece ninguna aplicación.',
    'list.noMatch': 'Ninguna aplicación coincide con «{query}».',
    'list.count.one': '{count} aplicación',
    'list.count.other': '{count} aplicaciones',
    'list.unnamed': 'Sin nombre',

    'form.connect': 'Conectar',
    'form.reconnect': 'Volver a conectar',
    'form.save': 'Guardar cambios',
    'form.connecting': 'Conectando…',
    'form.redirecting': 'Redirigiendo…',
    'form.legend': 'Datos de conexión de {name}',
    'form.pressConnect':
      'Pulsa Conectar para iniciar sesión. Se abrirá una ventana donde podrás autorizar a {name}.',
    'form.secureOauth': 'Iniciarás sesión en la propia página del proveedor.',
    'form.secureKey': 'Tus credenciales se cifran y se envían de forma segura.',
    'form.introEdit': 'Actualiza tu conexión con {name}.',
    'form.introOauth': 'Inicia sesión en {name} para conectar tu cuenta.',
    'form.introKey': 'Introduce tus datos de {name} para conectar tu cuenta.',
    'form.back': 'Volver a las aplicaciones',
    'form.guide': 'Guía de conexión',
    'form.newTab': ' (se abre en una pestaña nueva)',

    'field.required': '{label} es obligatorio',
    'field.number': 'Introduce un número válido',
    'field.domain': 'Introduce un dominio {pattern}.com válido',
    'field.pattern': 'Usa el formato indicado: {pattern}',
    'field.select': 'Elegir…',
    'field.edit': 'Editar',
    'field.editLabel': 'Editar {label}',
    'field.show': 'Mostrar',
    'field.hide': 'Ocultar',
    'field.showLabel': 'Mostrar {label}',
    'field.optional': ' (opcional)',

    'guide.title': 'Antes de conectar',
    'guide.copy': 'Copiar',
    'guide.copied': 'Copiado',
    'guide.copyFailed': 'Selecciona la dirección y cópiala',
    'guide.redirectUri': 'URI de redirección',
    'guide.registerExactly': 'Registra exactamente esta dirección en tu aplicación:',

    'start.failed': 'No pudimos iniciar el inicio de sesión. Inténtalo de nuevo.',
    'start.blockedRedirect':
      'Tu navegador bloqueó la ventana de inicio de sesión. Seguimos hacia {name} en esta pestaña…',
    'start.blocked':
      'Tu navegador bloqueó la ventana de inicio de sesión. Permite las ventanas emergentes para este sitio y vuelve a pulsar Conectar.',

    'wait.cancel': 'Cancelar',
    'wait.showWindow': 'Mostrar la ventana de inicio de sesión',
    'wait.finishInWindow': 'Termina de iniciar sesión en {name} en la ventana que se abrió.',
    'wait.checking': 'Comprobando tu inicio de sesión en {name}…',
    'wait.title': 'Esperando a {name}',
    'wait.heading': 'Esperando a {name}…',
    'wait.expired': 'El inicio de sesión tardó demasiado y caducó. Pulsa Conectar para intentarlo de nuevo.',
    'wait.closed':
      'La ventana se cerró antes de que terminaras de iniciar sesión en {name}. Pulsa Conectar para intentarlo de nuevo.',
    'wait.timedOut': 'Se agotó el tiempo para iniciar sesión. Pulsa Conectar para intentarlo de nuevo.',
    'wait.otherWindow':
      'Termina de iniciar sesión en {name} en la otra ventana. Si la cerraste, pulsa Cancelar.',
    'wait.failedTitle': 'No se pudo conectar {name}',

    'success.title': 'Cuenta conectada',
    'success.text': 'Tu cuenta de {name} está conectada.',
    'success.textClose': 'Tu cuenta de {name} está conectada. Puedes cerrar esta ventana.',
    'success.another': 'Conectar otra',
    'success.close': 'Cerrar',
    'success.announce': 'Cuenta conectada: {name}',

    'events.title': 'Un paso más: activa las actualizaciones de {name}',
    'events.why':
      'Para que los cambios en {name} se envíen en cuanto ocurran, añade un webhook en {name} con la dirección y la clave de firma de abajo.',
    'events.url': 'Dirección del webhook',
    'events.secret': 'Clave de firma',
    'events.secretHint': 'Mantenla en privado: demuestra que las actualizaciones vienen de verdad de {name}.',
    'events.urlBelow': 'la dirección del webhook de abajo',
    'events.secretBelow': 'la clave de firma de abajo',

    'error.title': 'Algo salió mal',
    'error.chooseAnother': 'Elegir otra aplicación',
    'error.tryAgain': 'Intentar de nuevo',
    'error.thisApp': 'esta aplicación',

    'ended.expiredTitle': 'Enlace caducado',
    'ended.expiredFor': 'Este enlace para {owner} ha caducado.',
    'ended.expired': 'Este enlace ha caducado.',
    'ended.expiredOn': 'Dejó de funcionar el {date}.',
    'ended.expiredNext': 'Los enlaces solo funcionan durante un tiempo limitado. Pide uno nuevo a {whom}.',
    'ended.invalidTitle': 'Enlace no válido',
    'ended.invalid': 'Este enlace no es válido.',
    'ended.invalidNext':
      'Comprueba que abriste el enlace completo. Si sigue sin funcionar, pide uno nuevo a {whom}.',
    'ended.unknown': 'Este enlace ha caducado o no es válido.',
    'ended.unknownNext': 'Pide un enlace nuevo a {whom}.',

    'problem.generic': 'Algo salió mal. Inténtalo de nuevo. Si vuelve a pasar, contacta con {whom}.',
    'problem.offline':
      'No pudimos conectar con el servidor. Revisa tu conexión a internet e inténtalo de nuevo.',
    'problem.tooMany': 'Demasiados intentos en poco tiempo. Espera un minuto y vuelve a intentarlo.',
    'problem.server':
      'Algo salió mal por nuestra parte. Tus datos no se guardaron. Inténtalo de nuevo dentro de unos minutos.',
    'problem.unreachable':
      'No pudimos conectar con {name}. Tus datos no se guardaron. Inténtalo de nuevo dentro de unos minutos.',
    'problem.providerDown':
      '{name} tiene problemas en este momento. Tus datos no se guardaron. Inténtalo de nuevo dentro de unos minutos.',
    'problem.refused': '{name} no aceptó estos datos. Revísalos e inténtalo de nuevo.',
    'problem.fieldInvalid': '{label} no es válido. Revísalo e inténtalo de nuevo.',
    'problem.invalidFields':
      'Algunos de los datos que introdujiste no son válidos. Revísalos e inténtalo de nuevo.',
    'problem.gone':
      '{name} ya no está disponible en este enlace. Elige otra aplicación o pide un enlace nuevo a {whom}.',
    'problem.conflict': 'Esta conexión cambió mientras trabajabas. Inténtalo de nuevo.',
    'problem.setup': 'Esta conexión no está bien configurada. Contacta con {whom}.',

    'oauth.denied': 'No permitiste el acceso a {name}. Vuelve a intentarlo cuando quieras.',
    'oauth.cancelled': 'Se canceló este inicio de sesión. Pulsa Conectar para empezar de nuevo.',
    'oauth.expired': 'Este inicio de sesión tardó demasiado y caducó. Inténtalo de nuevo.',
    'oauth.busy': '{name} está saturado en este momento. Inténtalo de nuevo dentro de unos minutos.',
    'oauth.testFailed':
      '{name} no aceptó este inicio de sesión. Comprueba que tu cuenta tiene acceso e inténtalo de nuevo.',
    'oauth.providerError':
      '{name} tuvo un problema al terminar el inicio de sesión. Inténtalo de nuevo dentro de unos minutos. Si vuelve a pasar, contacta con {whom}.',
    'oauth.notFinished': 'El inicio de sesión en {name} no terminó. Inténtalo de nuevo.',
    'oauth.failed':
      'No pudimos conectar tu cuenta de {name}. Inténtalo de nuevo. Si vuelve a pasar, contacta con {whom}.',

    'callback.failed': 'No se pudo conectar tu cuenta',
    'callback.failedTitle': 'Error de conexión',
    'callback.canClose': 'Puedes cerrar esta ventana.',
    'callback.goBack': 'Puedes cerrar esta ventana y volver a donde empezaste.',
    'callback.theApp': 'la aplicación',
    'choose.title': '¿Qué cuenta de {name} quieres conectar?',
    'choose.lead': 'Con este inicio de sesión puedes usar más de una. Elige la que quieres conectar.',
    'choose.connect': 'Conectar',
    'choose.cancel': 'Cancelar',
    'choose.working': 'Conectando…',
    'choose.pick': 'Elige primero una cuenta.',
    'choose.gone':
      'Esta elección ya no está disponible: tardó demasiado o ya se hizo. Cierra esta ventana y pulsa Conectar de nuevo.',
    'choose.unsent': 'No se pudo enviar tu elección. Comprueba tu conexión a internet e inténtalo de nuevo.',

    'category.ats': 'Selección de personal',
    'category.hris': 'RR. HH.',
    'category.hris-legacy': 'RR. HH. (anterior)',
    'category.crm': 'CRM',
    'category.iam': 'Identidad y acceso',
    'category.marketing': 'Marketing',
    'category.lms': 'Formación',
    'category.stackone': 'StackOne',
    'category.documents': 'Documentos',
    'category.ticketing': 'Atención al cliente',
    'category.screening': 'Verificaciones',
    'category.messaging': 'Mensajería',
    'category.accounting': 'Contabilidad',
  },
};
export default es;
