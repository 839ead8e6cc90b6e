"""SYNTHETIC letters from hospitals abroad, written in German, Italian, Spanish, French,
Portuguese, Dutch, Polish, Swedish, Turkish, Japanese, Korean, Chinese, Vietnamese or Indonesian: discharge and referral letters about the patient, with that country's names,
addresses, telephone numbers, day-first and written dates, titles and sign-offs.

Each hand-written set since the sixth has held such a letter (a German Arztbrief, an Italian
lettera di dimissione, a Mexican transfer summary), and the English-only generator taught
the model none of their words. Titles (``Dott.ssa``, ``Prof. Dr. med.``), generic
departments (``U.O.C. Medicina Interna``) and languages stay outside PHI, as the fixtures'
rules say.
"""
import datetime as dt
from typing import NamedTuple, Sequence, Tuple

from .builder import Phi
from .sections import NoteContext, extras_block
from .surrogates import ascii_lower, initials_of


class Language(NamedTuple):
    """What a letter in one language needs: Faker locale, words, and the shapes of its PHI."""

    locale: str
    months: Tuple[str, ...]
    written_date: str  # "{d}", "{m}", "{y}" for day, month name, year
    numeric_date: str  # a strftime format, day first
    hospitals: Tuple[str, ...]  # "{c}" city, "{n}" surname, "{s}" saint
    departments: Tuple[str, ...]
    doctor_titles: Tuple[str, ...]
    patient_titles: Tuple[str, str]  # male, female
    heading: Tuple[str, ...]
    patient_line: str  # "{t}" title, "{n}" name, "{dob}", "{a}" age
    address_label: str
    ids: Tuple[Tuple[str, str], ...]  # (label, TYPE)
    body: Tuple[str, ...]  # "{d}" a date, "{dr}" a colleague, "{h}" another hospital
    relative: str  # "{r}" relative's name, "{c}" city, "{ph}" phone, "{j}" profession
    saints: Tuple[str, ...]
    closing: Tuple[str, ...]
    place_date: str  # "{c}" city, "{d}" date
    jobs: Tuple[str, ...] = ()  # the relative's profession in the letter's language (Faker's own when empty)
    cities: Tuple[str, ...] = ()  # the letter's towns (Faker's own when empty)


#: month names as Japanese and Chinese write them (1月 to 12月)
HAN_MONTHS = tuple(f"{m}月" for m in range(1, 13))

LANGUAGES = {
    "de": Language(
        "de_DE", ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                                     "November", "Dezember"),
        "{d}. {m} {y}", "%d.%m.%Y", ("Klinikum {c}", "Kreisklinik {c}", "St.-{s}-Krankenhaus {c}", "Universitätsklinikum {c}",
                                     "Praxis Dr. med. {n}"),
        ("Medizinische Klinik II - Kardiologie", "Klinik für Innere Medizin", "Notaufnahme", "Klinik für Unfallchirurgie"),
        ("Dr. med. ", "Prof. Dr. med. ", "Frau Dr. ", "Herrn Dr. ", "OA Dr. "), ("Herrn ", "Frau "),
        ("Arztbrief", "Entlassungsbericht", "Vorläufiger Entlassungsbrief"),
        "wir berichten über {t}{n}, geb. {dob}, {a} Jahre alt, der/die sich vom {d1} bis {d2} in unserer stationären Behandlung befand.",
        "wohnhaft", (("Fallnummer", "ACCOUNT"), ("Patienten-ID", "MEDICALRECORD"), ("Versichertennummer", "HEALTHPLAN")),
        ("Die Echokardiographie vom {d} (Dr. {dr}) zeigte eine LVEF von 45 %.", "Aufnahme über die Notaufnahme am {d} nach Synkope.",
         "Vorbehandlung im {h} bis {d}.", "Kontrolle in unserer Ambulanz am {d}, danach jährlich."),
        "Die Tochter, {r}, {j} in {c}, ist unter {ph} erreichbar.", ("Elisabeth", "Josef", "Marien", "Vinzenz", "Franziskus"),
        ("Mit freundlichen kollegialen Grüßen", "Mit freundlichen Grüßen"), "{c}, den {d}"),
    "it": Language(
        "it_IT", ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                               "ottobre", "novembre", "dicembre"),
        "{d} {m} {y}", "%d/%m/%Y", ("Ospedale Civile di {c}", "Presidio Ospedaliero di {c}", "Ospedale San {s}", "Casa di Cura {n}",
                                    "Policlinico di {c}"),
        ("U.O.C. Medicina Interna", "U.O. Cardiologia", "Pronto Soccorso", "Reparto di Geriatria"),
        ("Dott. ", "Dott.ssa ", "Prof. ", "Dr. "), ("Sig. ", "Sig.ra "),
        ("LETTERA DI DIMISSIONE", "Relazione clinica", "Lettera al Medico Curante"),
        "si dimette in data odierna {t}{n}, nato/a il {dob}, di {a} anni, ricoverato/a dal {d1} al {d2}.",
        "Residenza", (("N. nosologico", "ACCOUNT"), ("ID paziente", "MEDICALRECORD"), ("Tessera sanitaria", "HEALTHPLAN")),
        ("Ecocardiogramma del {d} (Dott. {dr}): FE 52%.", "Precedente ricovero presso {h} nel {d}.",
         "Controllo ambulatoriale il {d} ore 10:30.", "TC torace del {d}: addensamento basale destro."),
        "La figlia {r}, {j}, abita a {c} (tel. {ph}).", ("Rocco", "Giuseppe", "Raffaele", "Camillo", "Paolo"),
        ("Cordiali saluti", "Distinti saluti"), "{c}, {d}"),
    "es": Language(
        "es_MX", ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                                        "octubre", "noviembre", "diciembre"),
        "{d} de {m} de {y}", "%d/%m/%Y", ("Hospital General de {c}", "Hospital San {s}", "Clínica {n}", "Sanatorio {n}",
                                          "Hospital Regional de {c}"),
        ("Servicio de Medicina Interna", "Urgencias", "Terapia Intensiva", "Servicio de Cirugía General"),
        ("Dr. ", "Dra. ", "Dr. ", "Dra. "), ("Sr. ", "Sra. "),
        ("RESUMEN CLÍNICO", "Nota de egreso", "Resumen clínico para traslado"),
        "Paciente {t}{n}, fecha de nacimiento {dob}, de {a} años, hospitalizado/a del {d1} al {d2}.",
        "Domicilio", (("Folio de ingreso", "ACCOUNT"), ("Expediente", "MEDICALRECORD"), ("Póliza", "HEALTHPLAN")),
        ("TAC abdominal del {d}: sin necrosis.", "Valorado por el Dr. {dr} el {d}.", "Referido desde {h} el {d}.",
         "Cita de control el {d} a las 9:00 horas."),
        "Su hija, {r}, {j}, vive en {c}; teléfono {ph}.", ("Judas Tadeo", "José", "Vicente", "Rafael", "Juan de Dios"),
        ("Atentamente", "Sin más por el momento, atentamente"), "{c}, a {d}"),
    "fr": Language(
        "fr_FR", ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                               "novembre", "décembre"),
        "{d} {m} {y}", "%d/%m/%Y", ("Centre hospitalier de {c}", "Clinique Saint-{s}", "Hôpital {n}", "CHU de {c}"),
        ("Service de cardiologie", "Service de médecine interne", "Urgences", "Service de gériatrie"),
        ("Dr ", "Pr ", "Docteur ", "Dr "), ("M. ", "Mme "),
        ("COMPTE RENDU D'HOSPITALISATION", "Lettre de sortie", "Courrier de liaison"),
        "Nous avons hospitalisé {t}{n}, né(e) le {dob}, âgé(e) de {a} ans, du {d1} au {d2}.",
        "Adresse", (("N° de séjour", "ACCOUNT"), ("IPP", "MEDICALRECORD"), ("N° de sécurité sociale", "HEALTHPLAN")),
        ("Échographie cardiaque du {d} (Dr {dr}) : FEVG 50 %.", "Adressé(e) par {h} le {d}.", "Consultation de suivi le {d} à 14 h.",
         "Scanner thoracique du {d} sans embolie."),
        "Sa fille, {r}, {j}, habite à {c} (tél. {ph}).", ("Joseph", "Louis", "Vincent", "Martin", "Luc"),
        ("Bien confraternellement", "Cordialement"), "{c}, le {d}"),
    "pt": Language(
        "pt_BR", ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
                                          "outubro", "novembro", "dezembro"),
        "{d} de {m} de {y}", "%d/%m/%Y", ("Hospital de {c}", "Santa Casa de {c}", "Hospital São {s}", "Clínica {n}"),
        ("Serviço de Medicina Interna", "Pronto-Socorro", "UTI Adulto", "Serviço de Cardiologia"),
        ("Dr. ", "Dra. ", "Prof. Dr. "), ("Sr. ", "Sra. "),
        ("RESUMO DE ALTA", "Carta de referência", "Relatório médico"),
        "Paciente {t}{n}, nascido/a em {dob}, {a} anos, internado/a de {d1} a {d2}.",
        "Endereço", (("Atendimento", "ACCOUNT"), ("Prontuário", "MEDICALRECORD"), ("Cartão SUS", "HEALTHPLAN")),
        ("Ecocardiograma de {d} (Dr. {dr}): FE 48%.", "Transferido do {h} em {d}.", "Retorno ambulatorial em {d}.",
         "Tomografia de {d} sem alterações agudas."),
        "A filha, {r}, {j}, mora em {c}; telefone {ph}.", ("José", "Lucas", "Vicente", "Camilo", "Paulo"),
        ("Atenciosamente", "Cordialmente"), "{c}, {d}"),
    "nl": Language(
        "nl_NL", ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                               "november", "december"),
        "{d} {m} {y}", "%d-%m-%Y", ("Ziekenhuis {c}", "{s} Ziekenhuis", "Medisch Centrum {c}", "Streekziekenhuis {c}",
                                    "Huisartsenpraktijk {n}"),
        ("Afdeling Longziekten", "Afdeling Cardiologie", "Spoedeisende Hulp", "Afdeling Interne Geneeskunde"),
        ("dr. ", "drs. ", "prof. dr. ", "Dr. "), ("dhr. ", "mevr. "),
        ("Ontslagbrief", "Brief aan de huisarts", "Verwijsbrief"),
        "Wij berichten u over {t}{n}, geboren {dob}, {a} jaar, die van {d1} tot {d2} op onze afdeling was opgenomen.",
        "Adres", (("Opnamenummer", "ACCOUNT"), ("Patiëntnummer", "MEDICALRECORD"), ("Polisnummer", "HEALTHPLAN")),
        ("Echocardiografie op {d} (dr. {dr}): LVEF 45%.", "Opname via de Spoedeisende Hulp op {d} na een val.",
         "Eerder behandeld in {h} tot {d}.", "Controle op de polikliniek op {d} om 10:20 uur."),
        "Contactpersoon: dochter {r}, {j}, woonachtig in {c}, tel. {ph}.", ("Sint Antonius", "Sint Franciscus", "Sint Jans",
                                                                              "Elisabeth", "Maria"),
        ("Met collegiale groet", "Met vriendelijke groet"), "{c}, {d}"),
    "pl": Language(
        "pl_PL", ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
                               "października", "listopada", "grudnia"),
        "{d} {m} {y} r.", "%d.%m.%Y", ("Szpital Miejski im. {s}", "Wojewódzki Szpital Specjalistyczny - {c}", "Centrum Medyczne {n}",
                                       "NZOZ Przychodnia {n}", "Szpital Powiatowy - {c}"),
        ("Oddział Kardiologii", "Oddział Chorób Wewnętrznych", "Szpitalny Oddział Ratunkowy", "Oddział Geriatrii"),
        ("lek. ", "dr n. med. ", "prof. dr hab. ", "lek. med. "), ("Pan ", "Pani "),
        ("KARTA INFORMACYJNA LECZENIA SZPITALNEGO", "Wypis ze szpitala", "Skierowanie"),
        "{t}{n}, data urodzenia {dob}, wiek {a} lat, hospitalizowany/a od {d1} do {d2}.",
        "Adres", (("Nr księgi głównej", "ACCOUNT"), ("Nr historii choroby", "MEDICALRECORD"), ("Nr ubezpieczenia", "HEALTHPLAN")),
        ("Echokardiografia z dnia {d} (lek. {dr}): EF 40%.", "Przyjęta przez SOR {d} po omdleniu.", "Wcześniej leczona w {h} do {d}.",
         "Kontrola w poradni {d}, godz. 10:30."),
        "Osoba do kontaktu: córka {r}, {j}, {c}, tel. {ph}.", ("Jana Pawła II", "św. Łukasza", "dr. Józefa Babińskiego", "św. Jadwigi",
                                                              "Mikołaja Kopernika"),
        ("Z wyrazami szacunku", "Z poważaniem"), "{c}, {d}"),
    "sv": Language(
        "sv_SE", ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
                               "november", "december"),
        "{d} {m} {y}", "%Y-%m-%d", ("{c} sjukhus", "Universitetssjukhuset i {c}", "{c}s vårdcentral", "Vårdcentralen {n}",
                                    "{s} sjukhus"),
        ("Medicinkliniken", "Kardiologiska kliniken", "Akutmottagningen", "Geriatriska kliniken"),
        ("överläkare ", "specialistläkare ", "leg. läkare ", "ST-läkare ", "dr "), ("", ""),
        ("EPIKRIS", "Utskrivningsmeddelande", "Remiss"),
        "{t}{n}, född {dob}, {a} år, vårdad på avdelningen från {d1} till {d2}.",
        "Adress", (("Personnummer", "IDNUM"), ("Vårdtillfälle", "ACCOUNT"), ("Journalnummer", "MEDICALRECORD")),
        ("Ekokardiografi {d} ({dr}): EF 35 %.", "Remiss från {h} {d}.", "Tidigare vårdad på {h} till {d}.",
         "Återbesök på mottagningen {d} kl. 10.30."),
        "Dottern {r}, {j}, bor i {c}, tel. {ph}.", ("Sankt Görans", "Ersta", "Sankta Maria", "Sankt Eriks"),
        ("Med vänlig hälsning", "Vänliga hälsningar"), "{c} {d}",
        ("sjuksköterska", "lärare", "undersköterska", "elektriker", "färjemaskinist", "busschaufför", "förskollärare")),
    "tr": Language(
        "tr_TR", ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım",
                               "Aralık"),
        "{d} {m} {y}", "%d.%m.%Y", ("{c} Devlet Hastanesi", "{c} Eğitim ve Araştırma Hastanesi", "Özel {n} Hastanesi",
                                    "{c} Şehir Hastanesi", "{s} Tıp Merkezi"),
        ("Kardiyoloji Kliniği", "İç Hastalıkları Servisi", "Acil Servis", "Göğüs Hastalıkları Kliniği"),
        ("Dr. ", "Uzm. Dr. ", "Doç. Dr. ", "Prof. Dr. "), ("", ""),
        ("EPİKRİZ", "Taburcu Özeti", "Sevk Formu"),
        "Hasta {t}{n}, doğum tarihi {dob}, {a} yaşında, {d1} - {d2} tarihleri arasında servisimizde yatırılarak tedavi edildi.",
        "Adres", (("Protokol No", "ACCOUNT"), ("Hasta No", "MEDICALRECORD"), ("T.C. Kimlik No", "IDNUM")),
        ("{d} tarihli EKO ({dr}): EF %40.", "{h} tarafından {d} tarihinde sevk edildi.", "{d} tarihine kadar {h} bünyesinde takip edildi.",
         "{d} tarihinde poliklinik kontrolü önerildi."),
        "Kızı {r} ({j}, {c}) ile iletişim: {ph}.", ("Ege", "Anadolu", "Marmara", "Karadeniz"),
        ("Saygılarımızla", "Bilgilerinize sunarız"), "{c}, {d}",
        ("öğretmen", "hemşire", "mühendis", "muhasebeci", "şoför", "emekli memur", "eczacı"),
        # Faker's tr_TR cities are English-shaped ("New Başay")
        ("İzmir", "Bursa", "Konya", "Eskişehir", "Trabzon", "Samsun", "Kayseri", "Antalya", "Denizli", "Edirne", "Manisa",
         "Çanakkale", "Muğla", "Sivas", "Afyonkarahisar")),
    "ja": Language(
        "ja_JP", HAN_MONTHS,
        "{y}年{m}{d}日", "%Y/%m/%d", ("{c}総合病院", "{n}内科クリニック", "医療法人{n}会 {n}病院", "{c}市民病院"),
        ("循環器内科", "消化器内科", "救急外来", "総合診療科"),
        ("", ""), ("", ""),
        ("診療情報提供書", "紹介状", "退院時サマリー"),
        "患者氏名 {t}{n} 様、生年月日 {dob}（{a} 歳）、{d1} から {d2} まで当院に入院されました。",
        "住所", (("受付番号", "ACCOUNT"), ("患者ID", "MEDICALRECORD"), ("保険者番号", "HEALTHPLAN")),
        ("{d} 心エコー（{dr} 医師）：EF 45%。", "{d} 救急外来を受診。", "{h} にて {d} まで加療。", "{d} 外来にて経過観察予定。"),
        "連絡先：長女 {r}（{j}、{c} 在住）、電話 {ph}。", ("聖", "中央", "日赤", "済生会"),
        ("何卒よろしくお願い申し上げます。", "ご高診のほどよろしくお願いいたします。"), "{c}、{d}"),
    "zh": Language(
        "zh_CN", HAN_MONTHS,
        "{y}年{m}{d}日", "%Y-%m-%d", ("{c}人民医院", "{c}第一人民医院", "{c}中医院", "{n}氏诊所"),
        ("神经内科", "心血管内科", "急诊科", "呼吸内科"),
        ("", ""), ("", ""),
        ("出院记录", "转诊单", "出院小结"),
        "姓名：{t}{n}，出生日期：{dob}，年龄：{a} 岁，住院日期：{d1} 至 {d2}。",
        "现住址", (("住院号", "MEDICALRECORD"), ("门诊号", "ACCOUNT"), ("医保卡号", "HEALTHPLAN")),
        ("{d} 心脏超声（{dr} 医师）：射血分数 45%。", "{d} 经急诊收入院。", "{d} 前于 {h} 治疗。", "{d} 门诊复诊。"),
        "联系人：女儿 {r}（{j}，现居 {c}），电话：{ph}。", ("仁爱", "博爱", "中心", "协和"),
        ("此致 敬礼", "谢谢合作。"), "{c}，{d}",
        ("教师", "护士", "工程师", "会计", "司机", "退休职工")),
    # Indonesian letters put the title before the name (dr., Tn., Ny.) and print the hospital's local government above it
    "id": Language(
        "id_ID", ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                  "November", "Desember"),
        "{d} {m} {y}", "%d-%m-%Y", ("Rumah Sakit Umum Daerah {c}", "RSUD {c}", "Rumah Sakit {s}", "Klinik Pratama {n}",
                                    "Puskesmas {c}"),
        ("Instalasi Gawat Darurat", "Bagian Penyakit Dalam", "Poliklinik Jantung", "Instalasi Rawat Inap"),
        ("dr. ", "dr. ", "Dr. dr. "), ("Tn. ", "Ny. "),
        ("RESUME MEDIS", "SURAT RUJUKAN", "RINGKASAN PULANG PASIEN"),
        "Nama pasien: {t}{n}, tanggal lahir {dob}, umur {a} tahun, dirawat dari {d1} sampai {d2}.",
        "Alamat", (("No. Rekam Medis", "MEDICALRECORD"), ("No. Registrasi", "ACCOUNT"), ("No. Kartu BPJS", "HEALTHPLAN")),
        ("Ekokardiografi tanggal {d} (dr. {dr}): fraksi ejeksi 45%.", "Masuk melalui IGD pada {d}.",
         "Sebelumnya dirawat di {h} sampai {d}.", "Kontrol ke poliklinik pada {d}."),
        "Keluarga: anak perempuan {r} ({j}, tinggal di {c}), telepon {ph}.", ("Harapan Kita", "Kasih Ibu", "Bhakti Husada", "Mitra Sehat"),
        ("Hormat kami,", "Demikian, atas perhatian Teman Sejawat kami ucapkan terima kasih."), "{c}, {d}",
        ("guru", "perawat", "pedagang", "petani", "karyawan swasta", "ibu rumah tangga")),
    # Vietnamese names are written family name first, with a middle name (Lê Thị Thanh Hương); an official letter opens
    # with the national motto, which is not PHI
    "vi": Language(
        "vi_VN", tuple(f"tháng {m:02d}" for m in range(1, 13)),
        "{d} {m} năm {y}", "%d/%m/%Y", ("Bệnh viện Đa khoa {c}", "Bệnh viện {s}", "Phòng khám Đa khoa {n}",
                                           "Trung tâm Y tế {c}", "Bệnh viện Đa khoa tỉnh {c}"),
        ("Khoa Nội Tim mạch", "Khoa Cấp cứu", "Khoa Hồi sức tích cực", "Khoa Nội tổng hợp", "Khoa Hô hấp"),
        ("BS. ", "ThS.BS. ", "TS.BS. ", "BSCKII. ", "BSCKI. "), ("Ông ", "Bà "),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nGIẤY RA VIỆN",
         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nGIẤY CHUYỂN TUYẾN", "TÓM TẮT BỆNH ÁN"),
        "Họ tên người bệnh: {t}{n}, ngày sinh: {dob}, tuổi: {a}, vào viện ngày {d1}, ra viện ngày {d2}.",
        "Địa chỉ", (("Số lưu trữ", "MEDICALRECORD"), ("Mã người bệnh", "ACCOUNT"), ("Số thẻ BHYT", "HEALTHPLAN")),
        ("Siêu âm tim ngày {d} (BS. {dr}): phân suất tống máu 45%.", "Vào viện qua khoa Cấp cứu ngày {d}.",
         "Đã điều trị tại {h} đến ngày {d}.", "Hẹn tái khám ngày {d} tại phòng khám ngoại trú."),
        "Người nhà: con gái {r} ({j}, sống tại {c}), điện thoại {ph}.", ("Hòa Bình", "An Phước", "Tâm Đức", "Hồng Phúc"),
        ("TRƯỞNG KHOA", "KT. GIÁM ĐỐC - PHÓ GIÁM ĐỐC\n(đã ký, đóng dấu)", "Trân trọng cảm ơn quý đồng nghiệp."), "{c}, ngày {d}",
        ("giáo viên", "điều dưỡng", "kỹ sư", "kế toán", "công nhân", "hưu trí", "buôn bán"),
        # the town's own name: Faker writes "thành phố Hải Phòng", and the word "thành phố" (city) is not PHI
        ("Hải Phòng", "Đà Nẵng", "Cần Thơ", "Nha Trang", "Huế", "Vinh", "Quy Nhơn", "Buôn Ma Thuột", "Biên Hòa",
         "Vũng Tàu", "Thái Nguyên", "Nam Định", "Long Xuyên", "Rạch Giá")),
    # Korean glues particles to nouns (병원에서); the frames keep a space or a bracket after every PHI slot,
    # so that a span always ends at a token boundary
    "ko": Language(
        "ko_KR", ("1월", "2월", "3월", "4월", "5월", "6월", "7월", "8월", "9월", "10월", "11월", "12월"),
        "{y}년 {m} {d}일", "%Y-%m-%d", ("{c} 의료원", "{c} {s}병원", "{n}내과의원", "{c} 대학교병원"),
        ("호흡기내과", "순환기내과", "응급의학과", "소화기내과"),
        ("", ""), ("", ""),
        ("퇴원요약지", "진료의뢰서", "진료회송서"),
        "환자 성명: {t}{n}, 생년월일: {dob}, 나이: {a}세, 입원 기간: {d1} ~ {d2}.",
        "주소", (("접수번호", "ACCOUNT"), ("등록번호", "MEDICALRECORD"), ("건강보험증번호", "HEALTHPLAN")),
        ("{d} 심초음파 ({dr} 교수): 좌심실 구혈률 45%.", "{d} 응급실 경유 입원.", "전원 병원: {h} ({d} 퇴원).",
         "{d} 외래 경과 관찰 예정."),
        "보호자: 딸 {r} ({j}, {c} 거주), 연락처 {ph}.", ("성모", "중앙", "제일", "한빛"),
        ("감사합니다.", "바쁘신 가운데 진료에 감사드립니다."), "{c}, {d}",
        ("교사", "간호사", "회사원", "공무원", "약사", "자영업")),
}

#: the letter locales for which Faker has its own word list (the others fall back to Latin): a paragraph of
#: those words, in random order, is ordinary text in the letter's language that holds no PHI (sets U and V
#: drew long runs of PHI guesses over French and Vietnamese prose)
LOREM_LOCALES = frozenset({"de_DE", "it_IT", "es_MX", "fr_FR", "nl_NL", "pl_PL", "ja_JP", "zh_CN", "vi_VN"})

#: clinical sentences with no PHI, per language: running text that the model must leave alone
PROSE = {
    "de": ("Unter diuretischer Therapie kam es zu einer raschen Besserung der Dyspnoe.",
           "Die Laborwerte zeigten eine leichte Niereninsuffizienz ohne Elektrolytentgleisung.",
           "Wir empfehlen regelmäßige Gewichtskontrollen und eine salzarme Kost.",
           "Der Patient wurde über Nebenwirkungen und Warnzeichen ausführlich aufgeklärt."),
    "it": ("Durante la degenza si è osservato un progressivo miglioramento della dispnea.",
           "Gli esami ematochimici hanno mostrato una lieve anemia normocitica.",
           "Si consiglia dieta iposodica e controllo quotidiano del peso.",
           "Il paziente è stato informato sui possibili effetti collaterali della terapia."),
    "es": ("Durante su estancia presentó mejoría progresiva de la disnea con diurético intravenoso.",
           "Los laboratorios mostraron leve elevación de creatinina sin alteraciones electrolíticas.",
           "Se recomienda dieta baja en sal y vigilancia diaria del peso.",
           "Se explicaron datos de alarma y motivos para acudir nuevamente a urgencias."),
    "fr": ("L'évolution a été favorable sous traitement diurétique, avec une amélioration de la dyspnée.",
           "Le bilan biologique retrouve une insuffisance rénale modérée, stable.",
           "Nous recommandons un régime pauvre en sel et une pesée quotidienne.",
           "Le patient a été informé des signes devant faire consulter en urgence."),
    "pt": ("Evoluiu com melhora progressiva da dispneia após diurético endovenoso.",
           "Os exames laboratoriais mostraram discreta elevação da creatinina.",
           "Orientada dieta hipossódica e controle diário do peso.",
           "Foram explicados os sinais de alarme para retorno ao pronto-socorro."),
    "nl": ("Onder diuretica verbeterde de kortademigheid geleidelijk.",
           "Het laboratoriumonderzoek toonde een licht verminderde nierfunctie.",
           "Wij adviseren een zoutbeperkt dieet en dagelijks wegen.",
           "Patiënt is uitgebreid voorgelicht over de alarmsymptomen."),
    "pl": ("W trakcie hospitalizacji uzyskano stopniową poprawę duszności po leczeniu moczopędnym.",
           "W badaniach laboratoryjnych stwierdzono niewielką niedokrwistość.",
           "Zalecono dietę ubogosodową i codzienną kontrolę masy ciała.",
           "Pacjentkę poinformowano o objawach wymagających pilnego kontaktu z lekarzem."),
    "sv": ("Under vårdtiden förbättrades andfåddheten successivt på diuretika.",
           "Blodproverna visade en lätt nedsatt njurfunktion utan elektrolytrubbning.",
           "Vi rekommenderar saltfattig kost och daglig viktkontroll.",
           "Patienten har informerats om varningssymtom och när hon ska söka vård."),
    "tr": ("Yatışı süresince diüretik tedavi ile nefes darlığında belirgin gerileme oldu.",
           "Laboratuvar tetkiklerinde hafif böbrek fonksiyon bozukluğu saptandı.",
           "Tuzsuz diyet ve günlük tartı önerildi; ilaçlarını düzenli kullanması anlatıldı.",
           "Hastaya ve yakınlarına acil başvuru gerektiren belirtiler hakkında bilgi verildi."),
    "id": ("Setelah pemberian diuretik intravena, keluhan sesak napas berangsur membaik.",
           "Pemeriksaan laboratorium menunjukkan penurunan ringan fungsi ginjal tanpa gangguan elektrolit.",
           "Pasien dianjurkan diet rendah garam dan menimbang berat badan setiap hari.",
           "Pasien dan keluarga telah diberi penjelasan mengenai tanda bahaya yang memerlukan pemeriksaan segera."),
    "vi": ("Sau khi dùng lợi tiểu đường tĩnh mạch, tình trạng khó thở cải thiện dần.",
           "Xét nghiệm máu cho thấy chức năng thận giảm nhẹ, điện giải trong giới hạn bình thường.",
           "Dặn người bệnh ăn nhạt, hạn chế nước và theo dõi cân nặng hằng ngày.",
           "Đã giải thích cho người bệnh và gia đình các dấu hiệu cần đến cơ sở y tế ngay."),
    "zh": ("入院后予利尿治疗，气促逐渐好转。", "血常规及肝肾功能检查提示轻度肾功能不全。", "嘱低盐饮食，每日监测体重。",
           "已告知患者及家属病情变化时立即就诊。"),
    "ja": ("入院後、利尿薬の投与により呼吸困難は徐々に改善しました。", "血液検査では軽度の腎機能低下を認めました。",
           "減塩食と毎日の体重測定を指導いたしました。", "症状が悪化した場合は速やかに受診するよう説明しました。"),
    "ko": ("입원 후 이뇨제 투여로 호흡곤란이 점차 호전되었습니다.", "혈액 검사에서 경도의 신기능 저하 소견이 있었습니다.",
           "저염식과 매일 체중 측정을 교육하였습니다.", "증상이 악화되면 즉시 응급실로 내원하도록 설명하였습니다."),
}


#: Turkish quarters for the Turkish letters' street addresses
TR_QUARTERS = ("Cumhuriyet", "Yenimahalle", "Kültür", "Fatih", "Bahçelievler", "Atatürk", "İstiklal", "Barış")


#: the salutation before the first paragraph, per language
SALUTATIONS = {"de": ("Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,", "Liebe Kollegin, lieber Kollege,"),
               "it": ("Gentile Collega,", "Egregio Dottore,"), "es": ("Estimado colega:", "Apreciable doctor(a):"),
               "fr": ("Cher confrère,", "Chère consœur, cher confrère,"), "pt": ("Prezado(a) colega,", "Caro colega,"),
               "nl": ("Geachte collega,", "Beste collega,"), "sv": ("Bäste kollega,", "Hej,"),
               "tr": ("Sayın Meslektaşım,", "Değerli Hocam,"), "pl": ("Szanowna Pani Doktor, Szanowny Panie Doktorze,", "Szanowni Państwo,"),
               "ja": ("拝啓", "平素より大変お世話になっております。"), "ko": ("선생님께,", "안녕하십니까."), "zh": ("尊敬的同道：", "您好！"),
               "vi": ("Kính gửi: Bác sĩ điều trị,", "Kính gửi quý đồng nghiệp,"), "id": ("Dengan hormat,", "Yth. Teman Sejawat,")}


def _date(ctx: NoteContext, lang: Language, day: dt.date, written: float = 0.5) -> Phi:
    """A DATE in the letter's language: day first, numeric or with the month's name."""
    if ctx.rng.random() < written:
        text = lang.written_date.format(d=day.day, m=lang.months[day.month - 1], y=day.year)
        if ctx.rng.random() < 0.2:  # no year: "5 febbraio", "1 de febrero"
            text = text.rsplit(" ", 2 if " de " in text or " năm " in text else 1)[0]
        return Phi("DATE", text)
    return Phi("DATE", day.strftime(lang.numeric_date))


def foreign_letter(ctx: NoteContext, forced: Sequence[str]) -> None:
    """A discharge or referral letter from a hospital abroad, in its own language."""
    rng, b, p, sur = ctx.rng, ctx.b, ctx.patient, ctx.sur
    code = rng.choice(sorted(LANGUAGES))
    lang = LANGUAGES[code]
    fake = sur.faker(lang.locale)

    def city() -> str:
        return rng.choice(lang.cities) if lang.cities else fake.city().strip()

    def name() -> str:  # family name first in Japanese and Vietnamese, and written without a space in Korean and Chinese
        if code in ("ko", "zh"):
            return f"{fake.last_name()}{fake.first_name()}"
        if code == "vi":  # Faker's vi_VN first_name() is English; its sexed lists are Vietnamese
            given = fake.first_name_female() if rng.random() < 0.5 else fake.first_name_male()
            return f"{fake.last_name()} {fake.middle_name()} {given}"
        return f"{fake.last_name()} {fake.first_name()}" if code == "ja" else f"{fake.first_name()} {fake.last_name()}"

    def street() -> str:  # a Japanese town, chōme and block, a Chinese or Korean road and number, not Faker's whole address
        if code == "ja":
            return f"{fake.town()}{fake.chome()}{fake.ban()}"
        if code == "zh":  # the road, number, building and flat
            return f"{fake.street_name()}{rng.randint(1, 400)}号{rng.randint(1, 12)}幢{rng.randint(101, 2405)}室"
        if code == "vi":  # "Số 27 đường Hoa Sứ", "112 Lý Chính Thắng"
            return f"Số {rng.randint(1, 300)} đường {fake.street_name()}" if rng.random() < 0.5 else \
                f"{rng.randint(1, 300)} {fake.street_name()}"
        if code == "ko":  # the road and building number; the province and city are their own spans
            return f"{fake.road_name()}{rng.choice(('로', '길', '대로'))} {fake.building_number()}"
        if code == "tr":  # "Cumhuriyet Mah. Gülen Sok. No: 14 D: 3", "Yıldırım Caddesi No: 41"
            if rng.random() < 0.5:
                return f"{rng.choice(TR_QUARTERS)} Mah. {fake.last_name()} Sok. No: {rng.randint(1, 90)} D: {rng.randint(1, 12)}"
            return f"{fake.last_name()} {rng.choice(('Caddesi', 'Bulvarı', 'Sokak'))} No: {rng.randint(1, 250)}"
        return fake.street_address().strip()

    def postcode() -> str:  # a Swedish postnummer is written "433 92"
        code_ = fake.postcode()
        return f"{code_[:3]} {code_[3:]}" if code == "sv" and len(code_) == 5 else code_

    here = city()
    hospital = rng.choice(lang.hospitals).format(c=here, n=fake.last_name(), s=rng.choice(lang.saints))
    author, colleague, gp = (name() for _ in range(3))
    b.line("{h}", h=Phi("HOSPITAL", hospital.upper() if rng.random() < 0.3 else hospital))
    b.line(rng.choice(lang.departments))
    b.line("{s} - {z} {c}", s=Phi("STREET", street()), z=Phi("ZIP", postcode()), c=Phi("CITY", here))
    b.line("Tel. {ph}", ph=Phi("PHONE", fake.phone_number()))
    if rng.random() < 0.5:
        mailbox = rng.choice(("info", "segreteria", "sekretariat", "contacto", "secretariat"))
        b.line("{e}", e=Phi("EMAIL", f"{mailbox}@{ascii_lower(here)}.example.org"))
    b.blank()
    b.line("{t}{g}", t=rng.choice(lang.doctor_titles), g=Phi("DOCTOR", gp))
    b.line("{s}", s=Phi("STREET", street()))
    b.line("{z} {c}", z=Phi("ZIP", postcode()), c=Phi("CITY", city()))
    b.blank()
    b.line(lang.place_date, c=Phi("CITY", here), d=_date(ctx, lang, ctx.date, 0.6))
    b.blank()
    b.line(rng.choice(lang.heading))
    b.blank()
    ids: Sequence[Tuple[str, str]] = rng.sample(lang.ids, k=rng.randint(1, len(lang.ids)))
    for label, type_ in ids:
        value = {"ACCOUNT": str(rng.randint(10**9, 10**10 - 1)), "MEDICALRECORD": p.mrn, "HEALTHPLAN": p.healthplan,
                 "IDNUM": f"{p.dob:%Y%m%d}-{rng.randint(1000, 9999)}" if code == "sv" else str(rng.randint(10**10, 10**11 - 1))
                 }[type_]  # a personnummer holds the birth date; a T.C. Kimlik No has 11 digits
        b.line(f"{label}: " + "{v}", v=Phi(type_, value))
    b.blank()
    b.line(rng.choice(SALUTATIONS[code]))
    title = lang.patient_titles[p.person.sex == "F"]
    start = ctx.days(-20, -3)
    b.emit(lang.patient_line, t=title, n=Phi("PATIENT", p.person.full),
        dob=_date(ctx, lang, p.dob, 0.2), a=Phi("AGE", str(p.age_on(ctx.date))), d1=_date(ctx, lang, start, 0.3),
        d2=_date(ctx, lang, ctx.date, 0.3))
    b.add("\n")
    if rng.random() < 0.6:
        abroad = rng.random() < 0.5  # a traveller from the US, or a local resident
        b.emit(lang.address_label + ": {s}, ", s=Phi("STREET", p.street if abroad else street()))
        b.emit("{c}", c=Phi("CITY", p.city if abroad else city()))
        if abroad:
            b.emit(", {st} {z}", st=Phi("STATE", p.state), z=Phi("ZIP", p.zip))
        b.add("\n")
    b.blank()
    other = rng.choice(lang.hospitals).format(c=city(), n=fake.last_name(), s=rng.choice(lang.saints))
    for frame in rng.sample(lang.body, k=rng.randint(2, len(lang.body))):
        b.emit(frame + " ", d=_date(ctx, lang, ctx.days(-60, 60)), dr=Phi("DOCTOR", colleague), h=Phi("HOSPITAL", other))
    for sentence in rng.sample(PROSE[code], k=rng.randint(1, 3)):  # running text with no PHI in it
        b.add(sentence + " ")
    if lang.locale in LOREM_LOCALES and rng.random() < 0.5:  # and a paragraph of the language's everyday words
        b.add("\n").add(fake.paragraph(nb_sentences=rng.randint(2, 5)) + " ")
    b.add("\n").blank()
    if rng.random() < 0.7:
        job = rng.choice(lang.jobs) if lang.jobs else fake.job().split(",")[0].strip()
        b.emit(lang.relative, r=Phi("PATIENT", name()), j=Phi("PROFESSION", job),
               c=Phi("CITY", city()), ph=Phi("PHONE", fake.phone_number()))
        b.add("\n").blank()
    b.line(rng.choice(lang.closing))
    b.blank()
    b.line("{t}{a}", t=rng.choice(lang.doctor_titles[:2]), a=Phi("DOCTOR", author))
    typist = initials_of(f"{fake.first_name()} {fake.last_name()}").lower()
    if rng.random() < 0.5 and typist and initials_of(author):  # the dictation reference: author's and typist's initials
        b.line("{a}/{t}", a=Phi("DOCTOR", initials_of(author).upper()), t=Phi("DOCTOR", typist))
    extras_block(ctx, forced)


FOREIGN_KINDS = {"foreign_letter": (foreign_letter, 0.045)}
