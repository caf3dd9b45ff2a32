<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/signin.py" line="280"/>
        <source>The password also locks this account's data on this computer. Ask your administrator to set you a stronger one.</source>
        <translation>这个密码同时用来加密本机上的账户数据。请联系管理员为您设置一个更安全的密码。</translation>
    </message>
</context>
<context>
    <name>StoredPhotosStrip</name>
    <message>
        <location filename="../../ui/widgets/fieldwork_photos.py" line="294"/>
        <source>Damaged file</source>
        <translation>文件已损坏</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <location filename="../../ui/widgets/fieldwork_photos.py" line="319"/>
        <source>The file of this photo on this computer is damaged or was altered</source>
        <translation>本机保存的这张照片文件已损坏或被改动过</translation>
    </message>
</context>
</TS>
