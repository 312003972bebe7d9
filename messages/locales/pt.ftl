# Português (Brasil) — visitor-facing messages only (staff screens stay Japanese/English).
# Note: for Portuguese, CLDR puts 0 in the "one" plural category, hence the [0] variants.
office-demo-note = Prefeitura fictícia, apenas para demonstração
# Display board
board-now-calling = Chamando agora
board-recent = Últimas chamadas
board-services = Situação da espera
board-waiting = { $count ->
    [0] ninguém aguardando
    [one] { $count } pessoa aguardando
   *[other] { $count } pessoas aguardando
}
board-wait = cerca de { $minutes } min
board-wait-none = sem espera
board-booths = Guichês
booth-open = Aberto
booth-paused = Em pausa
booth-closed = Fechado
board-reconnecting = Reconectando…
board-no-calls = Chamamos pelo número da senha. Sente-se e aguarde, por favor.
board-go-to = para { $booth }
board-guidance = Chamamos pelo número da senha, nunca pelo nome, na tela e por voz.
announce-call = Senha { $number }, dirija-se a { $booth }, por favor.
announce-recall = Chamando novamente: senha { $number }, dirija-se a { $booth }, por favor.
# Kiosk
kiosk-title = Recepção
kiosk-welcome-scan = Aproxime do leitor o código QR do seu agendamento
kiosk-welcome-scan-hint = Mostre ao leitor abaixo o código QR do e-mail de confirmação ou do celular
kiosk-welcome-walkin = Sem agendamento? Toque aqui
kiosk-checking = Verificando…
kiosk-retrying = Aguardando o sistema de recepção. Aguarde um momento, por favor…
kiosk-offline-banner = Sem conexão com o sistema de recepção. Fale com um funcionário, por favor
kiosk-walkin-title = Escolha os procedimentos (um ou mais)
kiosk-reservation-only-tag = Só com agendamento
kiosk-priority = Atendimento preferencial (gestantes, idosos e pessoas com deficiência)
kiosk-confirm = Retirar senha
kiosk-back = Voltar
kiosk-ticket-your-number = Sua senha
kiosk-ticket-procedures = Procedimentos
kiosk-ticket-where = Aguarde em: { $place }
kiosk-ticket-ahead = { $count ->
    [0] Ninguém na sua frente
    [one] { $count } pessoa na sua frente
   *[other] { $count } pessoas na sua frente
}
kiosk-ticket-wait = Espera estimada: { $low } a { $high } min
kiosk-ticket-no-wait = Sua senha será chamada em breve
kiosk-ticket-phone = Leia com o celular para acompanhar sua vez
kiosk-ticket-called = Sua senha será mostrada na tela e chamada por voz
kiosk-ticket-done = Fechar
kiosk-ticket-print-failed = Não foi possível imprimir a senha. Anote o número mostrado na tela, por favor
kiosk-ask-staff = Por favor, fale com um funcionário
kiosk-error-title = Não foi possível registrar sua chegada
kiosk-error-unknown_code = Não encontramos um agendamento para este código QR
kiosk-error-malformed_code = Não foi possível ler o código QR. Aproxime-o do leitor novamente
kiosk-error-cancelled = Este agendamento foi cancelado
kiosk-error-too_early = Ainda é cedo. Aproxime o código novamente um pouco antes do horário marcado
kiosk-error-too_late = O horário do seu agendamento já passou
kiosk-error-wrong_day = Este agendamento é para outro dia
kiosk-error-wrong_office = Este agendamento é em outro posto. Veja o local no e-mail do agendamento
kiosk-error-already_used = A chegada deste agendamento já foi registrada
kiosk-error-reservation_only = Este procedimento é somente com agendamento
kiosk-error-office_closed = Estamos fora do horário de atendimento
kiosk-error-unauthorized = Este terminal não está registrado
kiosk-error-offline = Não foi possível emitir a senha: sem conexão com o sistema de recepção
kiosk-error-other = Não é possível fazer isso neste terminal
kiosk-retry = Tentar novamente
kiosk-start-over = Voltar ao início
kiosk-select-one = Escolha pelo menos um procedimento, por favor
# Phone status page
status-title = Acompanhe sua vez
status-waiting = Aguarde, por favor
status-next = Sua senha será chamada em breve
status-ahead = { $count ->
    [0] Ninguém na sua frente
    [one] { $count } pessoa na sua frente
   *[other] { $count } pessoas na sua frente
}
status-wait = Espera estimada: { $low } a { $high } min
status-called = Estamos chamando sua senha
status-go = Dirija-se a { $booth }, por favor
status-serving = Em atendimento
status-done = Atendimento concluído. Agradecemos a sua visita
status-no-show = Chamamos sua senha, mas você não estava presente
status-cancelled = Esta senha foi cancelada
status-expired = O dia desta senha terminou e ela não pode mais ser usada. Por favor, retire uma nova senha.
status-place = Local
status-unknown = Não encontramos esta senha
status-live = Esta página se atualiza sozinha
status-offline = Conexão perdida. Reconectando…
status-reload = Esta página é recarregada a cada 30 segundos
# Reservation page
resv-unknown = Não encontramos este agendamento
resv-unknown-hint = Confira o código QR ou o link. Também é possível alterar o agendamento por telefone
resv-qr-title = Código QR para a recepção
resv-qr-alt = Código QR para aproximar do terminal de recepção
resv-qr-hint = Ao chegar, aproxime este código QR do terminal de recepção na entrada
resv-ics = Adicionar à agenda (.ics)
resv-checklist-note = Feito a partir das suas respostas. No dia, um funcionário vai orientar você
resv-cancel = Cancelar este agendamento
resv-cancel-ask = Deseja cancelar este agendamento?
resv-cancel-yes = Sim, cancelar
resv-cancel-no = Não cancelar
resv-cancel-failed = Não foi possível cancelar este agendamento
# Congestion page
cong-title = Movimento nos guichês
cong-updated = Atualizado às { $time }
cong-lamp-blue = Tranquilo
cong-lamp-yellow = Um pouco cheio
cong-lamp-red = Cheio
cong-usual = Espera habitual por horário (minutos, últimas { $weeks } semanas)
cong-note = Segundas-feiras, dias após feriados, março e abril, e das 11h às 14h costumam ser mais cheios. Os dados são atualizados a cada minuto
cong-refresh = Atualizar
# Web booking
visitor-site = Guia de atendimento da prefeitura
visitor-home-book-note = Agende pela internet o dia e o horário do seu atendimento
visitor-home-cong-note = Quantas pessoas estão esperando e quanto tempo leva, mais ou menos
visitor-home-board = Números sendo chamados
visitor-home-board-note = Os números chamados nos guichês (como na tela da sala de espera)
visitor-home-ticket-note = Leia o código QR da sua senha para acompanhar a sua vez
visitor-home-staff = Telas dos funcionários
book-title = Agendamento online
book-choose-service = Escolha o procedimento
book-unknown-service = Este procedimento não pode ser agendado
book-back = Voltar
book-choose-time = Escolha o dia e o horário
book-no-days = Não há dias disponíveis para agendamento neste período
book-day = { $weekday }, { $day }/{ $month }
book-wd-mon = seg
book-wd-tue = ter
book-wd-wed = qua
book-wd-thu = qui
book-wd-fri = sex
book-wd-sat = sáb
book-wd-sun = dom
book-free = disponível
book-full = lotado
# A time that cannot be booked online any more (inside the lead time), or not yet (beyond the horizon).
book-too-late = agendamento encerrado
book-too-far = ainda não aberto
book-lead-note = Agende este procedimento com pelo menos { $days } dias úteis de antecedência
book-earlier = Semana anterior
book-later = Próxima semana
book-form-title = Seus dados
book-when = { $service }, { $date }, a partir das { $time }
book-name = Nome
book-phone = Telefone
book-email = E-mail
book-contact-hint = Informe um telefone ou um e-mail
book-questions = Perguntas antes da sua visita
book-questions-hint = Com as suas respostas, indicaremos os procedimentos e os documentos necessários
book-optional = opcional
book-to-confirm = Revisar
book-confirm-title = Confira os dados
book-book-it = Confirmar agendamento
book-edit = Corrigir
book-bad-time = Este horário não pode ser agendado. Escolha outro, por favor
book-err-summary = Confira os campos indicados, por favor
book-err-name = Informe seu nome, por favor
book-err-name-long = O nome pode ter no máximo 100 caracteres
book-err-contact = Informe um telefone ou um e-mail, por favor
book-err-phone = Este número de telefone não parece correto
book-err-email = Este endereço de e-mail não parece correto
book-err-answer = Responda a esta pergunta, por favor
book-err-full = Desculpe, esse horário acabou de ser preenchido
book-err-other = Não foi possível fazer o agendamento
resv-booked = Seu agendamento foi confirmado
resv-qr-png = Salvar o código QR como imagem

# E-mail (turn notification, booking confirmation)
mail-booking-subject = [{ $office }] Seu agendamento foi confirmado
mail-booking-intro = Agradecemos o seu agendamento. Ele foi confirmado com os dados abaixo.
mail-field-number = Número do agendamento
mail-field-service = Procedimento
mail-field-when = Data e horário
mail-field-office = Posto de atendimento
mail-field-where = Local
mail-booking-qr = Ao chegar, aproxime o código QR em anexo (ou a página do link abaixo) do leitor do terminal de recepção na entrada.
mail-booking-manage = Consultar ou cancelar o agendamento e ver a lista de procedimentos
mail-ahead-subject = [{ $office }] Sua vez está chegando ({ $number })
mail-ahead-body = { $count ->
    [0] Não há mais ninguém
    [one] Há { $count } pessoa
   *[other] Há { $count } pessoas
} na frente da senha { $number }. Aguarde perto dos guichês, por favor.
mail-next-body = A senha { $number } é a próxima a ser chamada. Aguarde perto dos guichês, por favor.
mail-called-subject = [{ $office }] A senha { $number } está sendo chamada
mail-called-body = A senha { $number } está sendo chamada. Dirija-se a { $booth } ({ $place }), por favor.
mail-status-link = Sua posição na fila
mail-footer = Esta é uma mensagem automática; as respostas não são lidas. Se esta mensagem não era para você, por favor, apague-a.
# The phone status page's e-mail form
notify-title = Avisar por e-mail quando minha vez estiver perto
notify-email = Endereço de e-mail
notify-ahead = Avisar quando restarem na minha frente
notify-ahead-option = { $count ->
    [one] { $count } pessoa
   *[other] { $count } pessoas
}
notify-submit = Cadastrar
notify-done = Cadastrado. Enviaremos um e-mail para { $email } quando { $count ->
    [one] restar { $count } pessoa
   *[other] restarem { $count } pessoas
} na sua frente e quando sua senha for chamada.
notify-bad-email = Este endereço de e-mail não parece correto
notify-finished = O atendimento desta senha já foi concluído

# Languages: each catalogue names itself (language choosers on kiosk and pages)
language-name = Português
language-choose = Idioma
# What the voice says; { $number } arrives already spelled for speech (A012 → A 12).
voice-call = Senha { $number }, dirija-se a { $booth }, por favor.
voice-recall = Chamando novamente: senha { $number }, dirija-se a { $booth }, por favor.
# Kiosk voice guidance and large print
kiosk-speak = Ouvir em voz alta
kiosk-large-text = Letra grande
kiosk-normal-text = Letra normal
kiosk-say-welcome = Se você tem agendamento, aproxime o código QR do leitor abaixo. Se não tem, toque em “Sem agendamento? Toque aqui” na tela.
kiosk-say-walkin = Escolha os procedimentos e toque em “Retirar senha”. Você pode escolher mais de um.
kiosk-say-ticket = Sua senha é { $number }. Procedimentos: { $procedures }. Aguarde em { $place }.
kiosk-say-wait = A espera estimada é de { $low } a { $high } minutos.
kiosk-say-checking = Verificando. Aguarde um momento, por favor.
kiosk-say-error = Não foi possível registrar sua chegada. { $reason }.

# The reservation page (visitor's view of the booking and its checklist)
resv-number = Número do agendamento
resv-reason = Motivo
resv-state-booked = Agendado
resv-state-cancelled = Cancelado
resv-state-checked_in = Chegada registrada
resv-state-completed = Atendimento concluído
resv-state-no_show = Não compareceu
resv-checklist = Lista de procedimentos
resv-form = Formulário
resv-how = O que levar e como funciona
resv-deadline = Prazo
resv-at-department = No setor responsável
book-yes = Sim
book-no = Não

office-choose = Escolha o posto de atendimento
office-unknown = Este posto de atendimento não existe
office-open-now = Aberto agora
office-closed-now = Fechado agora
office-hours-today = Hoje aberto { $hours }
office-closed-today = Fechado hoje
office-address = Endereço
cong-shortest = Mais rápido agora: { $office } (cerca de { $minutes } min)
cong-shortest-title = Se for agora

# The family's take-home summary (PDF, issue 20).
summary-title = Balcão de trâmites após o falecimento (おくやみコーナー): resumo
summary-visit = Visita em { $date }
summary-done = Feito hoje no balcão de trâmites após o falecimento
summary-left = Ainda a fazer, na seção responsável
summary-where = Onde
summary-none = Nenhum
summary-note = Em caso de dúvida, pergunte no balcão de trâmites após o falecimento.

# The family's details for the pre-filled forms (booking page, reservation page)
details-title = Dados para os formulários
details-hint = Com estes dados, os formulários de cada setor serão impressos já preenchidos, e você só vai precisar conferir e assinar. Você pode deixar tudo em branco e informar depois, na página do seu agendamento, até a véspera da sua visita.
details-needed-hint = Se você informar algum dado, também pediremos os campos que os formulários dos seus procedimentos exigem.
details-private = Somente os funcionários dos setores que preparam os seus formulários podem ver estes dados. Eles são guardados de forma criptografada e apagados junto com o agendamento.
details-deceased = A pessoa falecida
details-applicant = Você (requerente)
details-refund_account = Conta para restituições e auxílios
details-refund_account-hint = O auxílio-funeral e as restituições de contribuições do seguro são depositados nesta conta.
details-deceased-name = Nome completo
details-deceased-name-hint = Como consta no registro de família (koseki) ou no atestado de residência (juminhyo)
details-deceased-kana = Nome em katakana
details-kana-hint = Katakana de largura total (zenkaku), ex.: ヤマダ タロウ
details-deceased-birth_date = Data de nascimento
details-deceased-death_date = Data do falecimento
details-date-hint = Ano-mês-dia, ex.: 1940-04-01
details-deceased-address = Último endereço
details-deceased-address-hint = O endereço registrado na data do falecimento
details-applicant-name = Nome completo
details-applicant-kana = Nome em katakana
details-applicant-address = Endereço
details-applicant-address-hint = Para onde enviamos os formulários e as cartas
details-applicant-phone = Telefone
details-applicant-phone-hint = Número em que os setores podem falar com você durante o dia
details-applicant-relationship = Parentesco com a pessoa falecida
details-applicant-relationship-hint = Como se escreve nos formulários, ex.: 妻 (esposa), 長男 (filho mais velho)
details-refund_account-bank = Banco
details-refund_account-bank-hint = ex.: みどり銀行, ○○信用金庫
details-refund_account-branch = Agência
details-refund_account-kind = Tipo de conta
details-refund_account-number = Número da conta
details-refund_account-number-hint = Os 7 dígitos
details-refund_account-holder_kana = Titular da conta em katakana
details-refund_account-holder_kana-hint = Como está impresso na caderneta do banco, ex.: ヤマダ ハナコ
details-kind-choose = Escolha
details-kind-ordinary = Comum (普通)
details-kind-current = Conta de cheques (当座)
details-kind-savings = Poupança (貯蓄)
details-later = Será informado depois
details-error-missing = Os formulários dos seus procedimentos precisam deste dado
details-error-too_long = No máximo { $max } caracteres
details-error-control = Remova os caracteres especiais, por favor
details-error-katakana = Escreva em katakana de largura total, por favor, ex.: ヤマダ タロウ
details-error-date = Esta data não existe
details-error-born_too_early = Confira o ano de nascimento, por favor
details-error-died_before_birth = A data do falecimento está antes da data de nascimento
details-error-died_in_future = A data do falecimento está depois de hoje
details-error-phone = Este número de telefone não parece correto
details-error-account_kind = Escolha o tipo de conta, por favor
details-error-account_digits = Informe os 7 dígitos do número da conta, por favor
details-resv-given = Já informados: { $groups }
details-resv-none = Nenhum dado informado ainda
details-resv-until = Você pode informar ou corrigir os dados até { $date }.
details-resv-closed = A partir do dia da sua visita, fale com o funcionário no guichê, por favor.
details-resv-change = Informar ou corrigir os dados
details-resv-keep = Os campos deixados em branco mantêm o que você informou antes. Para proteger a sua privacidade, os dados informados não são mostrados de novo.
details-resv-save = Salvar os dados
details-resv-saved = Os dados foram salvos
details-resv-nothing = Nada foi preenchido, então nada foi alterado
details-resv-failed = Não foi possível salvar os dados
details-resv-back = Voltar ao agendamento
