# 한국어 — visitor-facing messages only; staff screens (console-, stats-,
# admin-, res-, prep-) stay Japanese/English. Ids and order follow ja.ftl.
office-demo-note = 데모용 가상의 시청입니다
# Display board
board-now-calling = 호출 중
board-recent = 호출 기록
board-services = 대기 현황
board-waiting = { $count }명 대기
board-wait = 약 { $minutes }분
board-wait-none = 바로 안내
board-booths = 창구
booth-open = 접수 중
booth-paused = 일시 중지
booth-closed = 마감
board-reconnecting = 다시 연결하는 중…
board-no-calls = 번호로 호출합니다. 앉아서 기다려 주세요.
board-go-to = { $booth }에 와 주세요
board-guidance = 이름이 아닌 번호로 호출합니다. 화면과 안내 방송을 확인해 주세요.
# { $booth } is followed by 에 (not 으로/로), which fits any final sound.
announce-call = { $number }번 고객님, { $booth }에 와 주세요.
announce-recall = 다시 호출합니다. { $number }번 고객님, { $booth }에 와 주세요.
# Kiosk
kiosk-title = 접수
kiosk-welcome-scan = 예약 QR 코드를 리더기에 대 주세요
kiosk-welcome-scan-hint = 예약 확인 메일이나 휴대폰 화면의 QR 코드를 아래 리더기에 대 주세요
kiosk-welcome-walkin = 예약 없이 오신 분
kiosk-checking = 확인하고 있습니다…
kiosk-retrying = 접수 시스템의 응답을 기다리고 있습니다. 잠시만 기다려 주세요…
kiosk-offline-banner = 접수 시스템에 연결할 수 없습니다. 직원에게 말씀해 주세요
kiosk-walkin-title = 업무를 선택해 주세요 (여러 개 선택 가능)
kiosk-reservation-only-tag = 예약제
kiosk-priority = 우선 접수 (임신부·고령자·장애인)
kiosk-confirm = 번호표 받기
kiosk-back = 뒤로
kiosk-ticket-your-number = 고객님의 번호
kiosk-ticket-procedures = 업무
kiosk-ticket-where = { $place }에서 기다려 주세요
kiosk-ticket-ahead = 앞에 { $count }명
kiosk-ticket-wait = 예상 대기 시간 { $low }~{ $high }분
kiosk-ticket-no-wait = 곧 호출합니다
kiosk-ticket-phone = 스마트폰으로 스캔하면 순서를 확인할 수 있습니다
kiosk-ticket-called = 화면과 음성으로 번호를 호출합니다
kiosk-ticket-done = 닫기
kiosk-ticket-print-failed = 번호표를 인쇄하지 못했습니다. 화면의 번호를 적어 두세요
kiosk-ask-staff = 번거로우시겠지만 직원에게 말씀해 주세요
kiosk-error-title = 접수하지 못했습니다
kiosk-error-unknown_code = 이 QR 코드의 예약을 찾을 수 없습니다
kiosk-error-malformed_code = QR 코드를 읽지 못했습니다. 다시 한번 대 주세요
kiosk-error-cancelled = 취소된 예약입니다
kiosk-error-too_early = 아직 접수 시간 전입니다. 예약 시간 조금 전에 다시 대 주세요
kiosk-error-too_late = 예약 시간이 지났습니다
kiosk-error-wrong_day = 다른 날짜의 예약입니다
kiosk-error-wrong_office = 이 예약은 다른 청사입니다. 예약 메일의 장소를 확인해 주세요
kiosk-error-already_used = 이미 접수된 예약입니다
kiosk-error-reservation_only = 이 업무는 예약제입니다
kiosk-error-office_closed = 지금은 접수 시간이 아닙니다
kiosk-error-unauthorized = 등록되지 않은 접수기입니다
kiosk-error-offline = 접수 시스템에 연결할 수 없어 번호표를 발급하지 못했습니다
kiosk-error-other = 이 접수기에서는 접수할 수 없습니다
kiosk-retry = 다시 시도
kiosk-start-over = 처음 화면으로
kiosk-select-one = 업무를 하나 이상 선택해 주세요
# Phone status page
status-title = 순서 안내
status-waiting = 기다려 주세요
status-next = 곧 호출합니다
status-ahead = 앞에 { $count }명
status-wait = 예상 대기 시간 { $low }~{ $high }분
status-called = 지금 호출하고 있습니다
status-go = { $booth }에 와 주세요
status-serving = 창구에서 안내 중입니다
status-done = 업무가 끝났습니다. 감사합니다
status-no-show = 번호를 호출했지만 오시지 않았습니다
status-cancelled = 취소된 번호표입니다
status-expired = 이 번호표의 접수일이 끝나 더 이상 사용할 수 없습니다. 번호표를 새로 받아 주십시오.
status-place = 장소
status-unknown = 이 번호표를 찾을 수 없습니다
status-live = 이 페이지는 자동으로 갱신됩니다
status-offline = 연결이 끊어졌습니다. 다시 연결하는 중…
status-reload = 이 페이지는 30초마다 갱신됩니다
# Reservation page
resv-unknown = 이 예약을 찾을 수 없습니다
resv-unknown-hint = QR 코드나 링크를 다시 확인해 주세요. 전화로도 예약을 변경할 수 있습니다
resv-qr-title = 접수용 QR 코드
resv-qr-alt = 접수기에 대는 QR 코드
resv-qr-hint = 방문하실 때 입구의 접수기에 이 QR 코드를 대 주세요
resv-ics = 캘린더에 추가 (.ics)
resv-checklist-note = 사전에 입력하신 내용으로 만들었습니다. 당일 직원이 안내해 드립니다
resv-cancel = 예약 취소
resv-cancel-ask = 이 예약을 취소하시겠습니까?
resv-cancel-yes = 취소하기
resv-cancel-no = 취소하지 않기
resv-cancel-failed = 이 예약을 취소하지 못했습니다
# Congestion page
cong-title = 창구 혼잡 현황
cong-updated = { $time } 기준
cong-lamp-blue = 한산합니다
cong-lamp-yellow = 다소 혼잡합니다
cong-lamp-red = 혼잡합니다
cong-usual = 시간대별 평소 대기 시간 (분, 최근 { $weeks }주간)
cong-note = 월요일, 공휴일 다음 날, 3~4월, 11시~14시에는 혼잡합니다. 표시는 1분마다 갱신됩니다
cong-refresh = 새로 고침
visitor-site = 시청 창구 안내
visitor-home-book-note = 방문 날짜와 시간을 온라인으로 예약할 수 있습니다
visitor-home-cong-note = 지금 몇 명이 기다리고 있는지, 대기 시간은 어느 정도인지 알려 드립니다
visitor-home-board = 호출 중인 번호
visitor-home-board-note = 창구에서 호출하고 있는 번호입니다 (대기실 화면과 같습니다)
visitor-home-ticket-note = 번호표의 QR 코드를 읽으면 내 순서를 확인할 수 있습니다
visitor-home-staff = 직원용 화면
# Web booking
book-title = 온라인 사전 예약
book-choose-service = 업무를 선택해 주세요
book-unknown-service = 예약할 수 없는 업무입니다
book-back = 뒤로
book-choose-time = 원하시는 날짜와 시간을 선택해 주세요
book-no-days = 이 기간에는 예약할 수 있는 날이 없습니다
book-day = { $month }/{ $day } ({ $weekday })
book-wd-mon = 월
book-wd-tue = 화
book-wd-wed = 수
book-wd-thu = 목
book-wd-fri = 금
book-wd-sat = 토
book-wd-sun = 일
book-free = 예약 가능
book-full = 마감
# A time that cannot be booked online any more (inside the lead time), or not yet (beyond the horizon).
book-too-late = 예약 마감됨
book-too-far = 예약 전
book-lead-note = 이 절차는 { $days }영업일 전까지 예약해 주십시오
book-earlier = 이전 주
book-later = 다음 주
book-form-title = 예약 내용
book-when = { $service }, { $date } { $time }부터
book-name = 이름
book-phone = 전화번호
book-email = 이메일 주소
book-contact-hint = 전화번호나 이메일 주소 중 하나를 입력해 주세요
book-questions = 방문 전 질문
book-questions-hint = 답변에 맞춰 필요한 업무와 준비물을 안내해 드립니다
book-optional = 선택
book-to-confirm = 확인 화면으로
book-confirm-title = 내용 확인
book-book-it = 이 내용으로 예약하기
book-edit = 수정하기
book-bad-time = 그 시간은 예약할 수 없습니다. 다른 시간을 선택해 주세요
book-err-summary = 입력 내용을 확인해 주세요
book-err-name = 이름을 입력해 주세요
book-err-name-long = 이름은 100자 이내로 입력해 주세요
book-err-contact = 전화번호나 이메일 주소를 입력해 주세요
book-err-phone = 전화번호 형식이 올바르지 않습니다
book-err-email = 이메일 주소 형식이 올바르지 않습니다
book-err-answer = 이 질문에 답해 주세요
book-err-full = 죄송합니다. 그 시간은 방금 마감되었습니다
book-err-other = 예약하지 못했습니다
resv-booked = 예약이 완료되었습니다
resv-qr-png = QR 코드를 이미지로 저장

# E-mail (turn notification, booking confirmation)
mail-booking-subject = 【{ $office }】예약이 완료되었습니다
mail-booking-intro = 예약해 주셔서 감사합니다. 다음 내용으로 예약되었습니다.
mail-field-number = 예약 번호
mail-field-service = 업무
mail-field-when = 일시
mail-field-office = 청사
mail-field-where = 장소
mail-booking-qr = 방문하실 때 첨부된 QR 코드(또는 아래 링크 화면의 QR 코드)를 입구의 접수기에 대 주세요.
mail-booking-manage = 예약 확인·취소 및 업무 체크리스트
mail-ahead-subject = 【{ $office }】곧 순서가 됩니다 ({ $number })
mail-ahead-body = 번호 { $number } 앞에 기다리는 분이 { $count }명 남았습니다. 창구 근처에서 기다려 주세요.
mail-next-body = 다음 순서는 번호 { $number }입니다. 창구 근처에서 기다려 주세요.
mail-called-subject = 【{ $office }】번호 { $number } 호출 중입니다
mail-called-body = 번호 { $number }, 지금 호출하고 있습니다. { $booth }({ $place })에 와 주세요.
mail-status-link = 현재 순서
mail-footer = 이 메일은 발신 전용입니다. 본인과 관계없는 메일이라면 번거로우시겠지만 삭제해 주세요.
# The phone status page's e-mail form
notify-title = 순서가 가까워지면 메일로 알림
notify-email = 이메일 주소
notify-ahead = 앞에 남은 인원이 몇 명일 때 알릴까요
notify-ahead-option = { $count }명
notify-submit = 등록하기
notify-done = 등록되었습니다. 앞에 { $count }명이 남았을 때와 호출할 때 메일을 보내 드립니다 ({ $email })
notify-bad-email = 이메일 주소 형식이 올바르지 않습니다
notify-finished = 이 번호표의 업무는 이미 끝났습니다

# Languages: each catalogue names itself (language choosers on kiosk and pages)
language-name = 한국어
language-choose = 언어
# What the voice says (espeak-ng voice ko); { $number } arrives already
# spelled for speech (A012 → A 12).
voice-call = { $number }번 고객님, { $booth }에 와 주세요.
voice-recall = 다시, { $number }번 고객님, { $booth }에 와 주세요.
# Kiosk voice guidance and large print
kiosk-speak = 음성 안내
kiosk-large-text = 큰 글자
kiosk-normal-text = 보통 글자
kiosk-say-welcome = 예약하신 분은 예약 QR 코드를 아래 리더기에 대 주세요. 예약이 없으신 분은 화면의 "예약 없이 오신 분" 버튼을 눌러 주세요.
kiosk-say-walkin = 업무를 선택한 다음 "번호표 받기"를 눌러 주세요. 여러 개를 선택할 수 있습니다.
kiosk-say-ticket = 고객님의 번호는 { $number }번입니다. 업무는 { $procedures }입니다. { $place }에서 기다려 주세요.
kiosk-say-wait = 예상 대기 시간은 { $low }분에서 { $high }분입니다.
kiosk-say-checking = 확인하고 있습니다. 잠시만 기다려 주세요.
kiosk-say-error = 접수하지 못했습니다. { $reason }.

# The reservation page (visitor's view of the booking and its checklist)
resv-number = 예약 번호
resv-reason = 사유
resv-state-booked = 예약 완료
resv-state-cancelled = 취소됨
resv-state-checked_in = 접수 완료
resv-state-completed = 업무 완료
resv-state-no_show = 방문하지 않음
resv-checklist = 업무 체크리스트
resv-form = 서류
resv-how = 준비물·내용
resv-deadline = 기한
resv-at-department = 담당 부서에서
book-yes = 예
book-no = 아니요

office-choose = 청사를 선택해 주세요
office-unknown = 해당 청사가 없습니다
office-open-now = 접수 중
office-closed-now = 접수 시간 외
office-hours-today = 오늘 접수 { $hours }
office-closed-today = 오늘은 휴무
office-address = 주소
cong-shortest = 지금 가장 빠른 곳: { $office } (약 { $minutes }분)
cong-shortest-title = 지금 가신다면

# The family's take-home summary (PDF, issue 20).
summary-title = 유족 상담 창구(おくやみコーナー) 절차 요약
summary-visit = { $date } 방문
summary-done = 오늘 유족 상담 창구에서 마친 절차
summary-left = 앞으로 담당 창구에서 할 절차
summary-where = 장소
summary-none = 없음
summary-note = 궁금한 점은 유족 상담 창구에 문의해 주세요.
