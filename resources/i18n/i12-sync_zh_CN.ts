<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CalendarWarning</name>
    <message>
        <location filename="../../ui/widgets/calendar_warning.py" line="58"/>
        <source>⚠ No holiday calendar for {0}: deadlines count Monday to Friday only</source>
        <translation>⚠ 节假日表缺少 {0} 年：这些年份的期限只按周一至周五计算</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/calendar_warning.py" line="60"/>
        <source>Deadlines in a year the holiday calendar does not cover skip weekends only, not public holidays, and miss the make-up working days. Ask the server's administrator to import that year's holiday arrangement (published by the State Council each November); it reaches this computer at the next sync.</source>
        <translation>节假日表未覆盖的年份，办理期限只跳过周末，不跳过法定节假日，也不计调休上班日。请服务器管理员导入该年的节假日安排（国务院每年11月前后公布），下次同步后即会用于本机。</translation>
    </message>
</context>
</TS>
