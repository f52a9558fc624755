/** The Hub's words in Portuguese (loaded on demand; pt-BR and pt-PT both read it). */
import type { Catalogue } from './en.js';

const pt: Catalogue = {
  lang: 'pt',
  dir: 'ltr',
  messages: {
    loading: 'Carregando…',
    'loading.app': 'Carregando {name}…',
    details: 'Detalhes',

    'whom.default': 'a empresa que lhe enviou este link',
    'whom.companyEmail': '{company} ({email})',
    'whom.email': 'a empresa que lhe enviou este link ({email})',

    'brand.asksAccount': '{company} pede que você conecte sua conta {provider}.',
    'brand.asksAccountFor': '{company} pede que você conecte sua conta {provider} para {owner}.',
    'brand.asksAny': '{company} pede que você conecte uma conta.',
    'brand.asksAnyFor': '{company} pede que você conecte uma conta para {owner}.',
    'brand.privacy': 'Política de privacidade',
    'brand.terms': 'Termos de uso',
    'brand.poweredBy': 'Com tecnologia Switchboard',

    'list.title': 'Conectar uma conta',
    'list.lead': 'Escolha o aplicativo que deseja conectar.',
    'list.search': 'Pesquisar',
    'list.searchLabel': 'Pesquisar aplicativos',
    'list.listLabel': 'Aplicativos',
    'list.filterLabel': 'Filtrar por categoria',
    'list.all': 'Todos',
    'list.none': 'Nenhum aplicativo está disponível neste link.',
    'list.noMatch': 'Nenhum aplicativo corresponde a “{query}”.',
    'list.count.one': '{count} aplicativo',
    'list.count.other': '{count} aplicativos',
    'list.unnamed': 'Sem nome',

    'form.connect': 'Conectar',
    'form.reconnect': 'Reconectar',
    'form.save': 'Salvar alterações',
    'form.connecting': 'Conectando…',
    'form.redirecting': 'Redirecionando…',
    'form.legend': 'Dados de conexão com {name}',
    'form.pressConnect':
      'Clique em Conectar para entrar. Uma janela será aberta para você autorizar o {name}.',
    'form.secureOauth': 'Você vai entrar na própria página do provedor.',
    'form.secureKey': 'Suas credenciais são criptografadas e enviadas com segurança.',
    'form.introEdit': 'Atualize sua conexão com {name}.',
    'form.introOauth': 'Entre no {name} para conectar sua conta.',
    'form.introKey': 'Informe seus dados do {name} para conectar sua conta.',
    'form.back': 'Voltar aos aplicativos',
    'form.guide': 'Guia de conexão',
    'form.newTab': ' (abre em uma nova aba)',

    'field.required': '{label} é obrigatório',
    'field.number': 'Informe um número válido',
    'field.domain': 'Informe um domínio {pattern}.com válido',
    'field.pattern': 'Use o formato exigido: {pattern}',
    'field.select': 'Selecionar…',
    'field.edit': 'Editar',
    'field.editLabel': 'Editar {label}',
    'field.show': 'Mostrar',
    'field.hide': 'Ocultar',
    'field.showLabel': 'Mostrar {label}',
    'field.optional': ' (opcional)',

    'guide.title': 'Antes de conectar',
    'guide.copy': 'Copiar',
    'guide.copied': 'Copiado',
    'guide.copyFailed': 'Selecione o endereço e copie-o',
    'guide.redirectUri': 'URI de redirecionamento',
    'guide.registerExactly': 'Cadastre exatamente este endereço no seu aplicativo:',

    'start.failed': 'Não foi possível iniciar o login. Tente novamente.',
    'start.blockedRedirect': 'Seu navegador bloqueou a janela de login. Continuando para o {name} nesta aba…',
    'start.blocked':
      'Seu navegador bloqueou a janela de login. Permita pop-ups para este site e clique em Conectar novamente.',

    'wait.cancel': 'Cancelar',
    'wait.showWindow': 'Mostrar a janela de login',
    'wait.finishInWindow': 'Conclua o login no {name} na janela que foi aberta.',
    'wait.checking': 'Verificando seu login no {name}…',
    'wait.title': 'Aguardando {name}',
    'wait.heading': 'Aguardando {name}…',
    'wait.expired': 'O login demorou demais e expirou. Clique em Conectar para tentar novamente.',
    'wait.closed':
      'A janela de login foi fechada antes de você concluir o login no {name}. Clique em Conectar para tentar novamente.',
    'wait.timedOut': 'O tempo para o login acabou. Clique em Conectar para tentar novamente.',
    'wait.otherWindow': 'Conclua o login no {name} na outra janela. Se você a fechou, clique em Cancelar.',
    'wait.failedTitle': 'Não foi possível conectar {name}',

    'success.title': 'Conta conectada',
    'success.text': 'Sua conta {name} está conectada.',
    'success.textClose': 'Sua conta {name} está conectada. Você pode fechar esta janela.',
    'success.another': 'Conectar outra',
    'success.close': 'Fechar',
    'success.announce': 'Conta conectada: {name}',

    'events.title': 'Mais um passo: ative as atualizações do {name}',
    'events.why':
      'Para que as mudanças no {name} sejam enviadas assim que acontecerem, adicione um webhook no {name} com o endereço e a chave de assinatura abaixo.',
    'events.url': 'Endereço do webhook',
    'events.secret': 'Chave de assinatura',
    'events.secretHint': 'Mantenha-a em segredo: ela prova que as atualizações vêm mesmo do {name}.',
    'events.urlBelow': 'o endereço do webhook abaixo',
    'events.secretBelow': 'a chave de assinatura abaixo',

    'error.title': 'Algo deu errado',
    'error.chooseAnother': 'Escolher outro aplicativo',
    'error.tryAgain': 'Tentar novamente',
    'error.thisApp': 'este aplicativo',

    'ended.expiredTitle': 'Link expirado',
    'ended.expiredFor': 'Este link para {owner} expirou.',
    'ended.expired': 'Este link expirou.',
    'ended.expiredOn': 'Ele deixou de funcionar em {date}.',
    'ended.expiredNext': 'Os links só funcionam por um tempo limitado. Peça um novo a {whom}.',
    'ended.invalidTitle': 'Link inválido',
    'ended.invalid': 'Este link não é válido.',
    'ended.invalidNext':
      'Verifique se você abriu o link inteiro. Se ainda não funcionar, peça um novo a {whom}.',
    'ended.unknown': 'Este link expirou ou não é válido.',
    'ended.unknownNext': 'Peça um novo link a {whom}.',

    'problem.generic': 'Algo deu errado. Tente novamente. Se continuar acontecendo, fale com {whom}.',
    'problem.offline':
      'Não conseguimos acessar o servidor. Verifique sua conexão com a internet e tente novamente.',
    'problem.tooMany': 'Muitas tentativas em pouco tempo. Aguarde um minuto e tente novamente.',
    'problem.server':
      'Algo deu errado do nosso lado. Seus dados não foram salvos. Tente novamente em alguns minutos.',
    'problem.unreachable':
      'Não conseguimos acessar o {name}. Seus dados não foram salvos. Tente novamente em alguns minutos.',
    'problem.providerDown':
      'O {name} está com problemas no momento. Seus dados não foram salvos. Tente novamente em alguns minutos.',
    'problem.refused': 'O {name} não aceitou esses dados. Confira e tente novamente.',
    'problem.fieldInvalid': '{label} não é válido. Confira e tente novamente.',
    'problem.invalidFields': 'Alguns dos dados informados não são válidos. Confira e tente novamente.',
    'problem.gone':
      'O {name} não está mais disponível neste link. Escolha outro aplicativo ou peça um novo link a {whom}.',
    'problem.conflict': 'Esta conexão mudou enquanto você trabalhava. Tente novamente.',
    'problem.setup': 'Esta conexão não está configurada corretamente. Fale com {whom}.',

    'oauth.denied': 'Você não permitiu o acesso ao {name}. Tente novamente quando quiser.',
    'oauth.cancelled': 'Este login foi cancelado. Clique em Conectar para começar de novo.',
    'oauth.expired': 'Este login demorou demais e expirou. Tente novamente.',
    'oauth.busy': 'O {name} está sobrecarregado no momento. Tente novamente em alguns minutos.',
    'oauth.testFailed':
      'O {name} não aceitou este login. Verifique se sua conta tem acesso e tente novamente.',
    'oauth.providerError':
      'O {name} teve um problema ao concluir o login. Tente novamente em alguns minutos. Se continuar acontecendo, fale com {whom}.',
    'oauth.notFinished': 'O login no {name} não foi concluído. Tente novamente.',
    'oauth.failed':
      'Não foi possível conectar sua conta {name}. Tente novamente. Se continuar acontecendo, fale com {whom}.',

    'callback.failed': 'Não foi possível conectar sua conta',
    'callback.failedTitle': 'Falha na conexão',
    'callback.canClose': 'Você pode fechar esta janela.',
    'callback.goBack': 'Você pode fechar esta janela e voltar para onde começou.',
    'callback.theApp': 'o aplicativo',
    'choose.title': 'Qual conta do {name} você quer conectar?',
    'choose.lead': 'Com este login você pode usar mais de uma. Escolha a que quer conectar.',
    'choose.connect': 'Conectar',
    'choose.cancel': 'Cancelar',
    'choose.working': 'Conectando…',
    'choose.pick': 'Escolha uma conta primeiro.',
    'choose.gone':
      'Esta escolha não está mais disponível: demorou demais ou já foi feita. Feche esta janela e clique em Conectar de novo.',
    'choose.unsent':
      'Não foi possível enviar sua escolha. Verifique sua conexão com a internet e tente novamente.',

    'category.ats': 'Recrutamento',
    'category.hris': 'RH',
    'category.hris-legacy': 'RH (anterior)',
    'category.crm': 'CRM',
    'category.iam': 'Identidade e acesso',
    'category.marketing': 'Marketing',
    'category.lms': 'Treinamento',
    'category.stackone': 'StackOne',
    'category.documents': 'Documentos',
    'category.ticketing': 'Atendimento',
    'category.screening': 'Verificações',
    'category.messaging': 'Mensagens',
    'category.accounting': 'Contabilidade',
  },
};
export default pt;
